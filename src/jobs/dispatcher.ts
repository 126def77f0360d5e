import type { Logger } from '../logger';
import type { JobService } from './jobService';
import type { JobStore } from './jobStore';
import { MAX_MESSAGE_DELAY_SECONDS } from './runJob';

const SWEEP_INTERVAL_MS = 15_000;
/** An enqueue is between its insert and its send for milliseconds; leave it this long alone. */
const QUIET_MS = 15_000;
const SWEEP_BATCH = 500;
/** A job marked dispatched that has not started this long after it was due lost its message. */
const LOST_AFTER_MS = 15 * 60 * 1000;

export interface DispatcherDeps {
  store: JobStore;
  jobs: JobService;
  logger: Logger;
}

/**
 * Sends the messages of queued jobs that have none: their send failed (queue down, process
 * killed between insert and send), or their delay was longer than a queue message can carry.
 * Sending twice is harmless: the runner claims a job atomically and drops duplicates.
 */
export class Dispatcher {
  private timer: NodeJS.Timeout | null = null;
  private sweeping: Promise<void> | null = null;

  constructor(private readonly deps: DispatcherDeps) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.sweep(), SWEEP_INTERVAL_MS);
    this.timer.unref();
    void this.sweep();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** One pass; overlapping calls share it. */
  sweep(now = new Date()): Promise<void> {
    if (!this.sweeping) {
      this.sweeping = this.dispatchDue(now).finally(() => (this.sweeping = null));
    }
    return this.sweeping;
  }

  private async dispatchDue(now: Date): Promise<void> {
    try {
      const quietSince = new Date(now.getTime() - QUIET_MS);
      const dueBefore = new Date(now.getTime() + MAX_MESSAGE_DELAY_SECONDS * 1000);
      const lostBefore = new Date(now.getTime() - LOST_AFTER_MS);
      const due = await this.deps.store.undispatched(quietSince, dueBefore, lostBefore, SWEEP_BATCH);
      // Re-sent as undispatched: dispatch() records the new send time.
      for (const job of due) await this.deps.jobs.dispatch({ ...job, dispatchedAt: undefined });
      if (due.length > 0) this.deps.logger.info({ jobs: due.length }, 'dispatched queued jobs that had no message');
    } catch (error) {
      this.deps.logger.error({ err: error }, 'dispatcher sweep failed');
    }
  }
}
