import type { Db } from '../../datasources/store';
import { gcraTake, type GcraGrant, type RateLimit } from './gcra';

/** Token buckets shared by every worker and instance: one document per key. */
export const RATE_LIMITS = 'rateLimits';

export interface RateLimitDoc {
  /** The limited thing: `sms:sender:+15551234567`, `sms:global`, `api:<keyId>`... */
  _id: string;
  /** Theoretical arrival time, ms since the epoch (see gcra.ts). */
  tat: number;
  /** The rate of the last taker, for operators reading the collection. */
  ratePerSecond: number;
  burst: number;
  updatedAt: Date;
}

/** Compare-and-set rounds lost to other takers before giving up for this call (then the caller waits). */
const MAX_ROUNDS = 8;

/**
 * Takes units from a key's bucket in the store with a compare-and-set on its `tat`: read, compute,
 * update only if nobody moved it since. Every process taking from the same key sees one bucket.
 */
export class StoreBuckets {
  constructor(private readonly db: Db) {}

  private get collection() {
    return this.db.collection<RateLimitDoc>(RATE_LIMITS);
  }

  /**
   * Up to `wanted` units now (at least `minimum`, or none with the wait before `minimum` would
   * be). `limit.burst` is how many units may go at once from a full bucket.
   */
  async take(key: string, wanted: number, minimum: number, limit: RateLimit, now: () => number): Promise<GcraGrant> {
    for (let round = 0; round < MAX_ROUNDS; round += 1) {
      const bucket = await this.collection.findOne({ _id: key });
      if (!bucket) {
        await this.create(key, limit);
        continue;
      }
      const at = now();
      const grant = gcraTake(bucket.tat, at, wanted, limit, minimum);
      if (grant.granted === 0) return grant;
      const moved = await this.collection.updateOne(
        { _id: key, tat: bucket.tat },
        { $set: { tat: grant.tat, ratePerSecond: limit.ratePerSecond, burst: limit.burst, updatedAt: new Date(at) } },
      );
      if (moved.modifiedCount === 1) return grant;
    }
    // Heavy contention: try again shortly rather than spin on the store.
    return { granted: 0, tat: 0, waitMs: 1 };
  }

  private async create(key: string, limit: RateLimit): Promise<void> {
    try {
      await this.collection.insertOne({
        _id: key,
        tat: 0,
        ratePerSecond: limit.ratePerSecond,
        burst: limit.burst,
        updatedAt: new Date(),
      });
    } catch (error) {
      if ((error as { code?: number }).code !== 11000) throw error;
    }
  }
}
