import { randomUUID } from 'node:crypto';
import type { Db } from '../../datasources/store';
import { clickCollections } from './clickModels';

export class LoadLeaseLostError extends Error {
  constructor(bu: string) {
    super(`the click load of ${bu} was taken over by another loader after its lease ran out`);
    this.name = 'LoadLeaseLostError';
  }
}

/**
 * One loader per business unit at a time: a schedule tick that finds the previous load still
 * running leaves it alone instead of reading the same pages twice. The lease is short and a
 * heartbeat renews it while the loader lives (a page read may wait on Marketing Cloud's
 * retries far longer than the lease), so a loader that dies without releasing (kill -9) holds
 * the unit only until the lease runs out; the next loader then resumes the stored page. The
 * same owner (a retried job) may take its own lease back at once.
 */
export class LoadLease {
  private readonly lost = new AbortController();
  private readonly heartbeat: NodeJS.Timeout;

  private constructor(
    private readonly db: Db,
    readonly bu: string,
    readonly owner: string,
    private readonly ms: number,
  ) {
    this.heartbeat = setInterval(() => void this.renew(), Math.max(50, ms / 3));
    // The load itself keeps the process alive; the heartbeat alone must not.
    this.heartbeat.unref();
  }

  /** The lease of `bu` for `ms`, or null while another owner's lease is live. */
  static async acquire(db: Db, bu: string, ms: number, owner: string = randomUUID()): Promise<LoadLease | null> {
    const now = new Date();
    const free = [
      { leaseUntil: { $exists: false } },
      { leaseUntil: null },
      { leaseUntil: { $lt: now } },
      { leaseOwner: owner },
    ];
    try {
      await clickCollections(db).syncState.updateOne(
        { _id: bu, $or: free },
        {
          $set: { bu, leaseOwner: owner, leaseUntil: new Date(now.getTime() + ms), updatedAt: now },
          $setOnInsert: { watermark: null, run: null },
        },
        { upsert: true },
      );
      return new LoadLease(db, bu, owner, ms);
    } catch (error) {
      // The unit's state exists and another owner's lease is live: the upsert's insert collides.
      if ((error as { code?: number }).code === 11000) return null;
      throw error;
    }
  }

  /** Aborted when another loader took the unit over: this one must stop writing its position. */
  get signal(): AbortSignal {
    return this.lost.signal;
  }

  /** The filter of the unit's state while this lease holds it. */
  get held() {
    return { _id: this.bu, leaseOwner: this.owner };
  }

  /** When the lease runs out if renewed now. */
  until(): Date {
    return new Date(Date.now() + this.ms);
  }

  /** Stops the heartbeat and frees the unit, with `finished` set in the same write. */
  async release(finished: Record<string, unknown> = {}): Promise<void> {
    clearInterval(this.heartbeat);
    await clickCollections(this.db).syncState.updateOne(this.held, {
      $set: { ...finished, leaseUntil: null, updatedAt: new Date() },
    });
  }

  private async renew(): Promise<void> {
    if (this.lost.signal.aborted) return;
    try {
      const renewed = await clickCollections(this.db).syncState.updateOne(this.held, {
        $set: { leaseUntil: this.until() },
      });
      if (renewed.matchedCount === 0) this.lose();
    } catch {
      // A renewal the store refused is retried by the next beat; the lease outlives two misses.
    }
  }

  lose(): void {
    clearInterval(this.heartbeat);
    this.lost.abort(new LoadLeaseLostError(this.bu));
  }
}
