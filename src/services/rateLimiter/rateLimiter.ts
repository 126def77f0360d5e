import type { Db } from '../../datasources/store';
import { checkRateLimit, type RateLimit } from './gcra';
import { DEFAULT_SLICES, KeyDispenser, type SliceOptions } from './keyDispenser';
import { StoreBuckets } from './storeBuckets';

export type { RateLimit } from './gcra';
export type { SliceOptions } from './keyDispenser';

/** One key and the rate it is held to, as a caller names it. */
export interface LimitedKey {
  key: string;
  limit: RateLimit;
}

export interface RateLimiterOptions {
  db: Db;
  /**
   * ms since the epoch; the store buckets compare it across processes, so a wall clock. The
   * default has sub-millisecond precision: at a thousand units a second, a clock in whole
   * milliseconds lets a second's log take in a few units too many at its edges.
   */
  now?: () => number;
  /**
   * How much of a key's rate each process reserves from the store at once, and how long it keeps
   * what it did not use (default: 50 ms of the rate, kept a second, for SMS pacing). Limits per
   * minute take larger slices, so that the store sees a write per second of traffic, not per call.
   */
  slices?: SliceOptions;
}

/** Dispensers of keys nobody used for this long are dropped (API keys come and go). */
const SWEEP_EVERY_CALLS = 1000;

/**
 * A rate limiter kept in the store (`rateLimits`, one token bucket per key) and shared by every
 * worker and instance: SMS segments per sender and in all, API calls per key. Each process
 * reserves small slices of a key's rate from the store and hands them out paced, so the store
 * sees a write per slice, not per unit.
 *
 * - `acquire(keys, amount)` waits until `amount` units of every key are granted (in turn, in the
 *   order given), in arrival order per key, and answers when they were.
 * - `tryAcquire(key, amount)` answers at once: granted, or refused with the wait.
 */
export class RateLimiter {
  private readonly buckets: StoreBuckets;
  private readonly dispensers = new Map<string, KeyDispenser>();
  private readonly now: () => number;
  private readonly slices: SliceOptions;
  private calls = 0;
  private closed = false;

  constructor(options: RateLimiterOptions) {
    this.buckets = new StoreBuckets(options.db);
    this.now = options.now ?? (() => performance.timeOrigin + performance.now());
    this.slices = options.slices ?? DEFAULT_SLICES;
  }

  /** Resolves with the time (the limiter's clock) the last key granted its units. */
  async acquire(keys: readonly LimitedKey[], amount: number, signal?: AbortSignal): Promise<number> {
    checkAmount(amount);
    let grantedAt = this.now();
    for (const { key, limit } of keys) {
      checkRateLimit(limit);
      grantedAt = await this.dispenser(key, limit).acquire(amount, limit, signal);
    }
    return grantedAt;
  }

  tryAcquire(key: string, amount: number, limit: RateLimit): Promise<{ granted: boolean; retryAfterMs: number }> {
    checkAmount(amount);
    checkRateLimit(limit);
    return this.dispenser(key, limit).tryAcquire(amount, limit);
  }

  /** Refuses the waiting callers; later calls throw. */
  close(): void {
    this.closed = true;
    for (const dispenser of this.dispensers.values()) dispenser.close(new Error('The rate limiter is closed'));
    this.dispensers.clear();
  }

  private dispenser(key: string, limit: RateLimit): KeyDispenser {
    if (this.closed) throw new Error('The rate limiter is closed');
    this.calls += 1;
    if (this.calls % SWEEP_EVERY_CALLS === 0) this.sweep();
    let dispenser = this.dispensers.get(key);
    if (!dispenser) {
      dispenser = new KeyDispenser(key, limit, this.buckets, this.now, this.slices);
      this.dispensers.set(key, dispenser);
    }
    return dispenser;
  }

  private sweep(): void {
    for (const [key, dispenser] of this.dispensers) if (dispenser.idle) this.dispensers.delete(key);
  }
}

function checkAmount(amount: number): void {
  if (!Number.isInteger(amount) || amount < 1)
    throw new RangeError(`amount must be a positive integer (got ${amount})`);
}
