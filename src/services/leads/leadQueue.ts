import { RememberedFigures, type ChangePositions } from '../../datasources/rememberedFigures';
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

/** What the supervisor view reads from the store. */
type QueueFigures = Omit<LeadQueueSnapshot, 'at'>;

async function readQueueFigures(db: Db): Promise<QueueFigures> {
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
  return { backlog, oldestQueuedAt: oldest?.queuedAt ?? null, assigned, agents };
}

/**
 * The supervisor's view: what waits, what is being worked, and each agent's state. Its figures
 * are read once per change of the leads or agents (with the store's change clock), however many
 * supervisors and dashboards ask in between.
 */
export class LeadQueueView {
  private readonly figures: RememberedFigures;

  constructor(
    private readonly db: Db,
    changes?: ChangePositions,
  ) {
    this.figures = new RememberedFigures(changes);
  }

  async snapshot(now = new Date()): Promise<LeadQueueSnapshot> {
    const figures = await this.figures.get('queue', [LEADS, AGENTS], () => readQueueFigures(this.db));
    const today = dayOf(now);
    return {
      at: now,
      backlog: figures.backlog,
      oldestQueuedAt: figures.oldestQueuedAt,
      assigned: figures.assigned,
      // a count from an earlier day is yesterday's work, not today's
      agents: figures.agents.map((agent) => (agent.answeredDay === today ? agent : { ...agent, answeredToday: 0 })),
    };
  }
}
