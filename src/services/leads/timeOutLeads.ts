import type { Db } from '../../datasources/store';
import { LEADS, type LeadDoc, type Presence } from './model';
import { releaseLead, type Release } from './releaseLead';

export interface TimeOutOptions {
  /** Presence the agent of an unanswered lead is set to (LEAD_TIMEOUT_PRESENCE). */
  presence: Presence;
  now?: Date;
}

/**
 * Releases every assigned lead whose push time-out has passed back to the head of the queue and
 * sets its agent's presence. Safe to run on several instances at once: each lead's release is
 * one atomic update that pins its expiresAt, so only one instance wins it.
 */
export async function timeOutExpiredLeads(db: Db, options: TimeOutOptions): Promise<Release[]> {
  const now = options.now ?? new Date();
  const expired = await db
    .collection<LeadDoc>(LEADS)
    .find({ status: 'ASSIGNED', expiresAt: { $lte: now } }, { projection: { _id: 1, assignedTo: 1, expiresAt: 1 } })
    .toArray();
  const releases: Release[] = [];
  for (const lead of expired) {
    if (!lead.assignedTo || !lead.expiresAt) continue;
    const release = await releaseLead(db, {
      filter: { _id: lead._id, expiresAt: lead.expiresAt },
      agentId: lead.assignedTo,
      change: 'TIMED_OUT',
      actor: 'timer',
      reason: 'push time-out: not answered in time',
      now,
      presence: options.presence,
    });
    if (release) releases.push(release);
  }
  return releases;
}

/** When the next push time-out falls due, from the store (null when nothing is assigned). */
export async function nextExpiry(db: Db): Promise<Date | null> {
  const lead = await db
    .collection<LeadDoc>(LEADS)
    .findOne({ status: 'ASSIGNED' }, { sort: { expiresAt: 1 }, projection: { expiresAt: 1 } });
  return lead?.expiresAt ?? null;
}
