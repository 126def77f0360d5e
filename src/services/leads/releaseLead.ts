import type { Db, Filter } from '../../datasources/store';
import { AGENTS, LEADS, type AgentDoc, type LeadChange, type LeadDoc, type Presence } from './model';

export interface ReleaseInput {
  /** Which assigned lead: the filter must pin status ASSIGNED and the agent. */
  filter: Filter<LeadDoc>;
  agentId: string;
  change: Extract<LeadChange, 'DECLINED' | 'TIMED_OUT' | 'RELEASED'>;
  actor: string;
  reason: string;
  now: Date;
  /** Set as the agent's presence in the same write that frees its slot. */
  presence?: Presence;
  /** Do not offer the lead to this agent again. */
  excludeAgent?: boolean;
}

/**
 * Puts an assigned lead back in the queue, keeping its queuedAt so it is served next, and frees
 * the agent's slot. The lead update is the atomic step: only the caller whose filter still
 * matches releases it and decrements the agent, so a release never happens twice.
 */
export interface Release {
  lead: LeadDoc;
  /** The agent as it was before its slot was freed (null if it has been deleted). */
  agentBefore: AgentDoc | null;
}

export async function releaseLead(db: Db, input: ReleaseInput): Promise<Release | null> {
  const lead = await db.collection<LeadDoc>(LEADS).findOneAndUpdate(
    { ...input.filter, status: 'ASSIGNED', assignedTo: input.agentId },
    {
      $set: { status: 'QUEUED', assignedTo: null, assignedAt: null, expiresAt: null },
      $push: {
        history: {
          at: input.now,
          change: input.change,
          actor: input.actor,
          agentId: input.agentId,
          reason: input.reason,
        },
      },
      ...(input.excludeAgent ? { $addToSet: { declinedBy: input.agentId } } : {}),
    },
    { returnDocument: 'after' },
  );
  if (!lead) return null;
  const agentBefore = await db.collection<AgentDoc>(AGENTS).findOneAndUpdate(
    { _id: input.agentId },
    {
      $inc: { openLeads: -1 },
      $set: {
        idleSince: input.now,
        ...(input.presence ? { presence: input.presence, presenceChangedAt: input.now } : {}),
      },
    },
    { returnDocument: 'before' },
  );
  return { lead, agentBefore };
}
