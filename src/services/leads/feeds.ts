import type { Db } from '../../datasources/store';
import { Channel } from './channel';
import type { LeadRouting } from './leadRouting';
import type { LeadQueueSnapshot, LeadQueueView } from './leadQueue';
import { AGENTS, LEADS, type LeadDoc, type LeadEventDoc, type LeadEventKind } from './model';

/** What an agent is told on myLeadAssignments. */
const AGENT_KINDS = new Set<LeadEventKind>(['ASSIGNED', 'TIMED_OUT', 'RELEASED', 'PRESENCE_CHANGED']);
/** The supervisor view is recomputed at most this often, however busy the queue. */
const QUEUE_UPDATE_INTERVAL_MS = 250;

const assignmentKey = (lead: LeadDoc) => `${lead._id}@${lead.assignedAt?.getTime() ?? 0}`;

/** The subscriptions' feeds, from the routing events of one service instance. */
export class LeadFeeds {
  constructor(
    private readonly routing: LeadRouting,
    private readonly db: Db,
    private readonly queueView: LeadQueueView,
  ) {}

  /**
   * An agent's feed: its assignments, time-outs, releases and presence changes, from every
   * instance. It starts with the leads assigned to the agent right now, so an agent that
   * reconnects (or subscribes just after a claim) gets its open leads again. The live feed is
   * listened to before the replay is read, and an assignment seen live during the replay is not
   * replayed, so each assignment is pushed exactly once.
   */
  async agent(agentId: string): Promise<Channel<LeadEventDoc>> {
    let seenWhileReplaying: Set<string> | null = new Set();
    const unlisten = this.routing.listen((event) => {
      if (event.agentId !== agentId || !AGENT_KINDS.has(event.kind)) return;
      if (event.kind === 'ASSIGNED' && event.lead) seenWhileReplaying?.add(assignmentKey(event.lead));
      channel.push(event);
    });
    const channel = new Channel<LeadEventDoc>(unlisten);
    const open = await this.db
      .collection<LeadDoc>(LEADS)
      .find({ status: 'ASSIGNED', assignedTo: agentId }, { sort: { assignedAt: 1 } })
      .toArray();
    for (const lead of open) {
      if (seenWhileReplaying.has(assignmentKey(lead))) continue;
      channel.push(replayed(lead, agentId));
    }
    seenWhileReplaying = null;
    return channel;
  }

  /**
   * The supervisor's feed: a leadQueue snapshot now and after changes (routing events, and agent
   * documents, which change when leads are answered), at most every 250 ms.
   */
  queue(): Channel<LeadQueueSnapshot> {
    let pending: NodeJS.Timeout | null = null;
    const publish = () => {
      pending = null;
      this.queueView.snapshot().then(
        (snapshot) => channel.push(snapshot),
        () => undefined,
      );
    };
    const schedule = () => {
      if (!pending) pending = setTimeout(publish, QUEUE_UPDATE_INTERVAL_MS);
    };
    const unlisten = this.routing.listen(schedule);
    const agentChanges = this.db.collection(AGENTS).watch();
    agentChanges.on('change', schedule);
    agentChanges.on('error', () => undefined);
    const channel = new Channel<LeadQueueSnapshot>(async () => {
      unlisten();
      if (pending) clearTimeout(pending);
      await agentChanges.close().catch(() => undefined);
    });
    publish();
    return channel;
  }
}

/** A lead still assigned to the agent, told again as the ASSIGNED event it had. */
function replayed(lead: LeadDoc, agentId: string): LeadEventDoc {
  return {
    _id: `replay-${lead._id}`,
    at: lead.assignedAt ?? new Date(),
    kind: 'ASSIGNED',
    agentId,
    leadId: lead._id,
    lead,
    presence: null,
    reason: 'still assigned',
  };
}
