import type { Db, Filter } from '../../datasources/store';
import { AGENTS, LEADS, type AgentDoc, type LeadDoc, type RoutingModel } from './model';

export interface AssignOptions {
  model: RoutingModel;
  pushTimeoutMs: number;
  /** The clock (tests); read right before the lead claim so history times follow the claims. */
  clock?: () => Date;
}

export interface Assignment {
  lead: LeadDoc;
  agent: AgentDoc;
}

/** Oldest first: by the lead's own time, then upload order. */
export const QUEUE_ORDER = { queuedAt: 1, _id: 1 } as const;

/** How far past the free agents a round looks for leads, to get around declined ones. */
const DECLINE_WINDOW = 20;

/** The queued leads an agent may be offered: not those it declined. */
export function queuedFor(agentId: string): Filter<LeadDoc> {
  return { status: 'QUEUED', declinedBy: { $ne: agentId } };
}

/** Orders free agents by the routing model: the first one gets the oldest lead. */
export function rankAgents(agents: AgentDoc[], model: RoutingModel): AgentDoc[] {
  const idle = (a: AgentDoc, b: AgentDoc) =>
    a.idleSince.getTime() - b.idleSince.getTime() || a._id.localeCompare(b._id);
  const compare =
    model === 'LEAST_ACTIVE'
      ? (a: AgentDoc, b: AgentDoc) => a.openLeads - b.openLeads || idle(a, b)
      : (a: AgentDoc, b: AgentDoc) => b.capacity - b.openLeads - (a.capacity - a.openLeads) || idle(a, b);
  return agents.filter((agent) => agent.openLeads < agent.capacity).sort(compare);
}

/**
 * Which free agents can take a lead now, best first: each ranked agent is matched with the
 * oldest waiting lead it has not declined and no better agent took. Reads only, so a round
 * woken for nothing writes nothing (and so wakes nobody). An agent that declined every lead of
 * the window read here is asked about the rest of the queue on its own.
 */
export async function planRound(db: Db, model: RoutingModel): Promise<AgentDoc[]> {
  const online = await db.collection<AgentDoc>(AGENTS).find({ presence: 'ONLINE' }).toArray();
  const ranked = rankAgents(online, model);
  if (ranked.length === 0) return [];
  const leads = db.collection<LeadDoc>(LEADS);
  const limit = ranked.length + DECLINE_WINDOW;
  const waiting = await leads
    .find({ status: 'QUEUED' }, { sort: QUEUE_ORDER, limit, projection: { declinedBy: 1 } })
    .toArray();
  const taken = new Set<string>();
  const planned: AgentDoc[] = [];
  for (const agent of ranked) {
    const lead = waiting.find((candidate) => !taken.has(candidate._id) && !candidate.declinedBy.includes(agent._id));
    if (lead) taken.add(lead._id);
    const beyondWindow =
      !lead && waiting.length === limit && (await leads.findOne(queuedFor(agent._id), { projection: { _id: 1 } }));
    if (lead || beyondWindow) planned.push(agent);
  }
  return planned;
}

/**
 * Gives `candidate` the oldest lead it may take, or returns null. Two atomic claims make it safe
 * under any concurrency, across processes too: the agent's slot first (still ONLINE, below
 * capacity: +1 open), then the lead (still QUEUED). If no lead is left, the slot is given back.
 */
export async function assignTo(db: Db, candidate: AgentDoc, options: AssignOptions): Promise<Assignment | null> {
  const clock = options.clock ?? (() => new Date());
  const agents = db.collection<AgentDoc>(AGENTS);
  const agent = await agents.findOneAndUpdate(
    { _id: candidate._id, presence: 'ONLINE', capacity: candidate.capacity, openLeads: { $lt: candidate.capacity } },
    { $inc: { openLeads: 1 }, $set: { lastAssignedAt: clock() } },
    { returnDocument: 'after' },
  );
  if (!agent) return null;
  const lead = await claimLeadFor(db, agent._id, options);
  if (lead) return { lead, agent };
  await agents.updateOne({ _id: agent._id }, { $inc: { openLeads: -1 } });
  return null;
}

/**
 * The lead half of a claim: the oldest lead the agent may take, QUEUED -> ASSIGNED with its
 * push time-out. The caller must already hold a slot of the agent for it.
 */
export async function claimLeadFor(db: Db, agentId: string, options: AssignOptions): Promise<LeadDoc | null> {
  const now = (options.clock ?? (() => new Date()))();
  return db.collection<LeadDoc>(LEADS).findOneAndUpdate(
    queuedFor(agentId),
    {
      $set: {
        status: 'ASSIGNED',
        assignedTo: agentId,
        assignedAt: now,
        expiresAt: new Date(now.getTime() + options.pushTimeoutMs),
      },
      $push: { history: { at: now, change: 'ASSIGNED', actor: 'router', agentId } },
    },
    { sort: QUEUE_ORDER, returnDocument: 'after' },
  );
}

/**
 * The fast path when an agent's slot was just freed on this instance: if a lead waits for it,
 * it takes it now instead of waiting for a round. Leads wait only while every agent is busy, so
 * the agent just freed is the one the routing model would pick; agents freed at the same moment
 * each claim concurrently, safely.
 */
export async function assignFreedAgent(db: Db, agent: AgentDoc, options: AssignOptions): Promise<Assignment | null> {
  if (agent.presence !== 'ONLINE' || agent.openLeads >= agent.capacity) return null;
  const waiting = await db.collection<LeadDoc>(LEADS).findOne(queuedFor(agent._id), { projection: { _id: 1 } });
  return waiting ? assignTo(db, agent, options) : null;
}

/**
 * One routing round: every free agent with a lead waiting for it claims one, concurrently (the
 * store commits concurrent writes together, so a round of fifty costs about what one does).
 */
export async function assignRound(db: Db, options: AssignOptions): Promise<Assignment[]> {
  const candidates = await planRound(db, options.model);
  const results = await Promise.all(candidates.map((candidate) => assignTo(db, candidate, options)));
  return results.filter((assignment): assignment is Assignment => assignment !== null);
}
