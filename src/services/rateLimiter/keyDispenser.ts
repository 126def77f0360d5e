import { gcraTake, type RateLimit } from './gcra';
import { SlidingWindow } from './slidingWindow';
import type { StoreBuckets } from './storeBuckets';

/** How much a process reserves from the store at once, and how long it keeps what it did not use. */
export interface SliceOptions {
  /** A process reserves this much of a key's rate at once (at least one unit). */
  sliceSeconds: number;
  /** Units reserved and not used within this long go back to nobody: the store already counted them. */
  stockTtlMs: number;
}

/** SMS sending: 50 ms of a sender's rate, so that a slice never leaves in a visible lump. */
export const DEFAULT_SLICES: SliceOptions = { sliceSeconds: 0.05, stockTtlMs: 1000 };

interface Waiter {
  amount: number;
  resolve(grantedAt: number): void;
  reject(error: unknown): void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

/**
 * One key's units in this process: slices reserved from the store bucket (so the store is written
 * once per slice, not per unit), handed out in arrival order and paced: at most `burst` at once
 * (a local bucket) and at most the rate in any second (the log of the last second's grants), so a
 * slice never leaves in one lump and a late wake-up is caught up without a second ever holding
 * more than the rate. Across processes the store bucket holds the rate, plus a slice per process.
 */
export class KeyDispenser {
  private stock = 0;
  private stockAt = 0;
  private pacerTat = 0;
  private storeReadyAt = 0;
  private fetching: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private readonly waiters: Waiter[] = [];
  private limit: RateLimit;
  private readonly window: SlidingWindow;

  constructor(
    private readonly key: string,
    limit: RateLimit,
    private readonly buckets: StoreBuckets,
    private readonly now: () => number,
    private readonly slices: SliceOptions = DEFAULT_SLICES,
  ) {
    this.limit = limit;
    this.window = new SlidingWindow(limit.ratePerSecond, limit.burst);
  }

  /** True when nothing waits and nothing is held: the dispenser can be dropped. */
  get idle(): boolean {
    return this.waiters.length === 0 && !this.fetching && (this.stock === 0 || this.stockExpired());
  }

  /** Resolves with the time (the limiter's clock) the units were granted. */
  acquire(amount: number, limit: RateLimit, signal?: AbortSignal): Promise<number> {
    this.setLimit(limit);
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<number>((resolve, reject) => {
      const waiter: Waiter = { amount, resolve, reject, signal };
      if (signal) {
        waiter.onAbort = () => {
          const index = this.waiters.indexOf(waiter);
          if (index >= 0) this.waiters.splice(index, 1);
          reject(signal.reason);
          this.drain();
        };
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      this.waiters.push(waiter);
      this.drain();
    });
  }

  /**
   * Units now or a refusal with the wait, without queueing (API rate limits answer at once).
   * Counted in memory: the next slice is reserved behind the grants, and units the process holds
   * no stock for are granted at once and reserved behind the grant, as long as the process owes
   * the store nothing; a debt is paid (waited for) before anything more is granted. So a caller
   * never waits for the store while its key has room, and each process may let one grant through
   * ahead of the store's count.
   */
  async tryAcquire(amount: number, limit: RateLimit): Promise<{ granted: boolean; retryAfterMs: number }> {
    this.setLimit(limit);
    if (this.waiters.length > 0) return { granted: false, retryAfterMs: this.intervalMs() };
    const owesNothing = this.availableStock() >= 0 && !this.fetching && this.now() >= this.storeReadyAt;
    if (this.availableStock() < amount && !owesNothing) {
      // A reservation under way may be for an earlier debt: once it is in, ask for what this call needs.
      for (let round = 0; round < 2 && this.availableStock() < amount && this.now() >= this.storeReadyAt; round += 1) {
        await this.fetch(amount);
      }
      if (this.availableStock() < amount) {
        return { granted: false, retryAfterMs: Math.max(1, Math.ceil(this.storeReadyAt - this.now())) };
      }
    }
    const now = this.now();
    const wait = this.paceWait(now, amount);
    if (wait !== null) return { granted: false, retryAfterMs: Math.max(1, Math.ceil(wait)) };
    this.take(now, amount);
    this.prefetch();
    return { granted: true, retryAfterMs: 0 };
  }

  private setLimit(limit: RateLimit): void {
    if (limit.ratePerSecond !== this.limit.ratePerSecond || limit.burst !== this.limit.burst) {
      this.window.setRate(limit.ratePerSecond, limit.burst);
    }
    this.limit = limit;
  }

  /** Refuses every waiter (the limiter is closing). */
  close(error: Error): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    for (const waiter of this.waiters.splice(0)) this.settle(waiter, error);
  }

  private drain(): void {
    while (this.waiters.length > 0) {
      const head = this.waiters[0]!;
      if (this.availableStock() < head.amount) {
        this.refill(head.amount);
        return;
      }
      const now = this.now();
      const wait = this.paceWait(now, head.amount);
      if (wait !== null) {
        this.wakeIn(wait);
        return;
      }
      this.take(now, head.amount);
      this.waiters.shift();
      this.settle(head, undefined, now);
      this.prefetch();
    }
  }

  /**
   * Null when `amount` units may go at `now` by both the local bucket (the burst) and the last
   * second's log (the rate), else the wait.
   */
  private paceWait(now: number, amount: number): number | null {
    const pace = gcraTake(this.pacerTat, now, amount, this.limit);
    const windowWait = this.window.waitMs(now, amount);
    return pace.granted === 0 || windowWait > 0 ? Math.max(pace.waitMs, windowWait) : null;
  }

  private take(now: number, amount: number): void {
    // The bucket runs from now at the latest: units a late wake-up could not use are the log's to give back.
    this.pacerTat = Math.max(this.pacerTat, now) + (amount * 1000) / this.limit.ratePerSecond;
    this.window.add(now, amount);
    this.stock -= amount;
  }

  /**
   * While units are being taken, the next slice is reserved before the stock runs out, so a waiter
   * does not wait for the store's commit.
   */
  private prefetch(): void {
    if (this.fetching || this.stock >= this.sliceSize() / 2 || this.now() < this.storeReadyAt) return;
    // A debt (tryAcquire) is reserved alone; stock in hand asks for one unit more, so a whole slice.
    void this.fetch(this.stock < 0 ? 0 : this.stock + 1).then(
      () => this.drain(),
      () => undefined,
    );
  }

  /** Starts a store reservation unless one runs or the store asked to wait. */
  private refill(needed: number): void {
    if (this.fetching) return;
    const wait = this.storeReadyAt - this.now();
    if (wait > 0) {
      this.wakeIn(wait);
      return;
    }
    void this.fetch(needed).then(
      () => this.drain(),
      (error: unknown) => {
        for (const waiter of this.waiters.splice(0)) this.settle(waiter, error);
      },
    );
  }

  private sliceSize(): number {
    return Math.max(1, Math.ceil(this.limit.ratePerSecond * this.slices.sliceSeconds));
  }

  private fetch(needed: number): Promise<void> {
    if (this.fetching) return this.fetching;
    const slice = this.sliceSize();
    const missing = Math.max(1, needed - this.availableStock());
    const wanted = Math.max(slice, missing);
    // The store lets one slice go at once: a process may hold a slice ahead of its pacing.
    const storeLimit = { ratePerSecond: this.limit.ratePerSecond, burst: Math.max(this.limit.burst, slice) };
    this.fetching = this.buckets
      .take(this.key, wanted, Math.min(missing, wanted), storeLimit, this.now)
      .then((grant) => {
        if (grant.granted > 0) {
          this.stock = this.availableStock() + grant.granted;
          this.stockAt = this.now();
        } else {
          this.storeReadyAt = this.now() + grant.waitMs;
        }
      })
      .finally(() => {
        this.fetching = null;
      });
    return this.fetching;
  }

  private availableStock(): number {
    if (this.stock > 0 && this.stockExpired()) this.stock = 0;
    return this.stock;
  }

  private stockExpired(): boolean {
    return this.now() - this.stockAt > this.slices.stockTtlMs;
  }

  private intervalMs(): number {
    return Math.ceil(1000 / this.limit.ratePerSecond);
  }

  private wakeIn(ms: number): void {
    if (this.timer) return;
    this.timer = setTimeout(
      () => {
        this.timer = null;
        this.drain();
      },
      Math.max(0, Math.ceil(ms)),
    );
  }

  private settle(waiter: Waiter, error?: unknown, grantedAt = this.now()): void {
    if (waiter.signal && waiter.onAbort) waiter.signal.removeEventListener('abort', waiter.onAbort);
    if (error === undefined) waiter.resolve(grantedAt);
    else waiter.reject(error);
  }
}
