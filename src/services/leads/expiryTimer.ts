import type { Logger } from '../../logger';

/** setTimeout's longest delay; a later due time is reached in steps. */
const MAX_DELAY_MS = 2_147_483_647;
/** Least wait before re-sweeping a due time a sweep just left behind: no tight loop, ever. */
const MIN_REARM_MS = 5;
/** After a failed sweep (store unreachable) the timer tries again this much later. */
const RETRY_MS = 1000;

export interface ExpiryTimerOptions {
  /** Releases what is due; runs one at a time. */
  sweep: () => Promise<void>;
  /** The next due time in the store, read after each sweep. */
  next: () => Promise<Date | null>;
  logger: Logger;
}

/**
 * One timer for the nearest push time-out, instead of a polling loop. The due times live in the
 * store (leads.expiresAt), so after a restart `rearm()` finds them again; `arm(at)` pulls the
 * timer earlier when a new assignment expires sooner than the one it waits for.
 */
export class ExpiryTimer {
  private timer: NodeJS.Timeout | null = null;
  private dueAt: number | null = null;
  private running: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(private readonly options: ExpiryTimerOptions) {}

  arm(at: Date): void {
    const due = at.getTime();
    if (this.stopped || (this.dueAt !== null && this.dueAt <= due)) return;
    if (this.timer) clearTimeout(this.timer);
    this.dueAt = due;
    this.timer = setTimeout(() => this.fire(), Math.min(Math.max(0, due - Date.now()), MAX_DELAY_MS));
    this.timer.unref();
  }

  /** Sweeps what is due now and arms for the next due time in the store. */
  rearm(): Promise<void> {
    this.running = this.running.then(() => this.sweepAndArm());
    return this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  private fire(): void {
    this.timer = null;
    this.dueAt = null;
    void this.rearm();
  }

  private async sweepAndArm(): Promise<void> {
    if (this.stopped) return;
    try {
      await this.options.sweep();
      const next = await this.options.next();
      if (next) this.arm(new Date(Math.max(next.getTime(), Date.now() + MIN_REARM_MS)));
    } catch (error) {
      this.options.logger.error({ err: error }, 'lead time-out sweep failed; retrying');
      this.arm(new Date(Date.now() + RETRY_MS));
    }
  }
}
