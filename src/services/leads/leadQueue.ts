import type { Db } from '../../datasources/store';
import { QUEUE_ORDER } from './assignLead';
import { AGENTS, LEADS, dayOf, type AgentDoc, type LeadDoc } from './model';

export interface LeadQueueSnapshot {
  at: Date;
  backlog: number;
  oldestQueuedAt: Date | null;
  assigned: number;
  agents: AgentDoc[];
}

/** The supervisor's view: what waits, what is being worked, and each agent's state. */
export async function leadQueueSnapshot(db: Db, now = new Date()): Promise<LeadQueueSnapshot> {
  const leads = db.collection<LeadDoc>(LEADS);
  const [backlog, oldest, assigned, agents] = await Promise.all([
    leads.countDocuments({ status: 'QUEUED' }),
    leads.findOne({ status: 'QUEUED' }, { sort: QUEUE_ORDER, projection: { queuedAt: 1 } }),
    leads.countDocuments({ status: 'ASSIGNED' }),
    db
      .collection<AgentDoc>(AGENTS)
      .find({}, { sort: { name: 1, _id: 1 } })
      .toArray(),
  ]);
  const today = dayOf(now);
  return {
    at: now,
    backlog,
    oldestQueuedAt: oldest?.queuedAt ?? null,
    assigned,
    // a count from an earlier day is yesterday's work, not today's
    agents: agents.map((agent) => (agent.answeredDay === today ? agent : { ...agent, answeredToday: 0 })),
  };
}
