import type { Db } from 'mongodb';
import { Channel } from './channel';
import type { LeadRouting } from './leadRouting';
import { leadQueueSnapshot, type LeadQueueSnapshot } from './leadQueue';
import { LEADS, type LeadDoc, type LeadEventDoc, type LeadEventKind } from './model';

/** What an agent is told on myLeadAssignments. */
const AGENT_KINDS = new Set<LeadEventKind>(['ASSIGNED', 'TIMED_OUT', 'RELEASED', 'PRESENCE_CHANGED']);
/** The supervisor view is recomputed at most this often, however busy the queue. */
const QUEUE_UPDATE_INTERVAL_MS = 250;

/**
 * An agent's feed: its assignments, time-outs, releases and presence changes, from every
 * instance. It starts with the leads assigned to the agent right now, so an agent that
 * reconnects (or subscribes after a claim) gets its open leads again; a lead is pushed once per
 * assignment however the replay and the live feed overlap.
 */
export async function agentFeed(routing: LeadRouting, db: Db, agentId: string): Promise<Channel<LeadEventDoc>> {
  const announced = new Map<string, number>();
  const deliver = (event: LeadEventDoc) => {
    const lead = event.lead;
    if (event.kind === 'ASSIGNED' && lead) {
      const assignedAt = lead.assignedAt?.getTime() ?? 0;
      if (announced.get(lead._id) === assignedAt) return;
      announced.set(lead._id, assignedAt);
    } else if (lead) {
      announced.delete(lead._id);
    }
    if (AGENT_KINDS.has(event.kind)) channel.push(event);
  };
  const unlisten = routing.listen((event) => {
    if (event.agentId === agentId) deliver(event);
  });
  const channel = new Channel<LeadEventDoc>(unlisten);
  const open = await db.collection<LeadDoc>(LEADS).find({ status: 'ASSIGNED', assignedTo: agentId }, { sort: { assignedAt: 1 } }).toArray();
  for (const lead of open) {
    deliver({ _id: `replay-${lead._id}`, at: lead.assignedAt ?? new Date(), kind: 'ASSIGNED', agentId, leadId: lead._id, lead, presence: null, reason: 'still assigned' });
  }
  return channel;
}

/** The supervisor's feed: a fresh leadQueue snapshot now and after changes, at most every 250 ms. */
export function queueFeed(routing: LeadRouting, db: Db): Channel<LeadQueueSnapshot> {
  let pending: NodeJS.Timeout | null = null;
  const publish = () => {
    pending = null;
    leadQueueSnapshot(db).then(
      (snapshot) => channel.push(snapshot),
      () => undefined,
    );
  };
  const unlisten = routing.listen(() => {
    if (!pending) pending = setTimeout(publish, QUEUE_UPDATE_INTERVAL_MS);
  });
  const channel = new Channel<LeadQueueSnapshot>(() => {
    unlisten();
    if (pending) clearTimeout(pending);
  });
  publish();
  return channel;
}
