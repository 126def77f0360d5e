import { randomUUID } from 'node:crypto';
import type { Db } from '../../datasources/store';
import { clickCollections } from './clickModels';

/** How long a loader holds a business unit without storing a page; renewed with every page. */
export const LOAD_LEASE_MS = 120_000;

/**
 * One loader per business unit at a time: a schedule tick that finds the previous load still
 * running leaves it alone instead of reading the same pages twice. A loader that dies without
 * releasing (kill -9) holds the unit until its lease runs out; the next loader then resumes
 * the stored page. The same owner (a retried job) may take its own lease back at once.
 */
export async function acquireLoadLease(db: Db, bu: string, owner: string = randomUUID()): Promise<string | null> {
  const now = new Date();
  try {
    await clickCollections(db).syncState.updateOne(
      { _id: bu, $or: [{ leaseUntil: { $exists: false } }, { leaseUntil: null }, { leaseUntil: { $lt: now } }, { leaseOwner: owner }] },
      { $set: { bu, leaseOwner: owner, leaseUntil: new Date(now.getTime() + LOAD_LEASE_MS), updatedAt: now }, $setOnInsert: { watermark: null, run: null } },
      { upsert: true },
    );
    return owner;
  } catch (error) {
    // The unit's state exists and another owner's lease is live: the upsert's insert collides.
    if ((error as { code?: number }).code === 11000) return null;
    throw error;
  }
}

export const leaseRenewal = () => new Date(Date.now() + LOAD_LEASE_MS);

export async function releaseLoadLease(db: Db, bu: string, owner: string): Promise<void> {
  await clickCollections(db).syncState.updateOne({ _id: bu, leaseOwner: owner }, { $set: { leaseUntil: null, updatedAt: new Date() } });
}
