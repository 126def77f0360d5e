import type { Db, Filter } from 'mongodb';
import { AGENTS, LEADS, type AgentDoc, type LeadDoc, type RoutingModel } from './model';

export interface AssignOptions {
  model: RoutingModel;
  pushTimeoutMs: number;
  /** The clock (tests); read right before the lead claim so history times never run backwards. */
  clock?: () => Date;
}

export interface Assignment {
  lead: LeadDoc;
  agent: AgentDoc;
}

/** Oldest first: by the lead's own time, then upload order. */
export const QUEUE_ORDER = { queuedAt: 1, _id: 1 } as const;

/** The queued leads an agent may be offered: not those it declined. */
export function queuedFor(agentId: string): Filter<LeadDoc> {
  return { status: 'QUEUED', declinedBy: { $ne: agentId } };
}

/** Orders free agents by the routing model: the first one gets the next lead. */
export function rankAgents(agents: AgentDoc[], model: RoutingModel): AgentDoc[] {
  const idle = (a: AgentDoc, b: AgentDoc) => a.idleSince.getTime() - b.idleSince.getTime() || a._id.localeCompare(b._id);
  const compare =
    model === 'LEAST_ACTIVE'
      ? (a: AgentDoc, b: AgentDoc) => a.openLeads - b.openLeads || idle(a, b)
      : (a: AgentDoc, b: AgentDoc) => b.capacity - b.openLeads - (a.capacity - a.openLeads) || idle(a, b);
  return agents.filter((agent) => agent.openLeads < agent.capacity).sort(compare);
}

/**
 * Assigns the oldest queued lead to the best available agent, or returns null when no lead can
 * go anywhere. Two atomic claims make it safe under any concurrency, across processes too: the
 * agent's slot first (ONLINE and below capacity, +1 open), then the lead (still QUEUED). If the
 * lead was taken meanwhile the slot is given back. Agents with nothing to take are skipped
 * without a write, so a router woken for nothing does no work that would wake it again.
 */
export async function assignNextLead(db: Db, options: AssignOptions): Promise<Assignment | null> {
  const clock = options.clock ?? (() => new Date());
  const agents = db.collection<AgentDoc>(AGENTS);
  const leads = db.collection<LeadDoc>(LEADS);
  const online = await agents.find({ presence: 'ONLINE' }).toArray();
  for (const candidate of rankAgents(online, options.model)) {
    const eligible = queuedFor(candidate._id);
    const next = await leads.findOne(eligible, { sort: QUEUE_ORDER, projection: { _id: 1 } });
    if (!next) continue;
    const agent = await agents.findOneAndUpdate(
      { _id: candidate._id, presence: 'ONLINE', capacity: candidate.capacity, openLeads: { $lt: candidate.capacity } },
      { $inc: { openLeads: 1 } },
      { returnDocument: 'after' },
    );
    if (!agent) continue;
    const now = clock();
    const lead = await leads.findOneAndUpdate(
      eligible,
      {
        $set: {
          status: 'ASSIGNED',
          assignedTo: agent._id,
          assignedAt: now,
          expiresAt: new Date(now.getTime() + options.pushTimeoutMs),
        },
        $push: { history: { at: now, change: 'ASSIGNED', actor: 'router', agentId: agent._id } },
      },
      { sort: QUEUE_ORDER, returnDocument: 'after' },
    );
    if (lead) return { lead, agent };
    await agents.updateOne({ _id: agent._id }, { $inc: { openLeads: -1 } });
  }
  return null;
}
