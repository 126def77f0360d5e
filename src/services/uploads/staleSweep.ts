import type { Logger } from '../../logger';
import type { LeaseTiming } from './importLease';

/**
 * Finishes the long-running records whose process died: runs `recover` at start, then every
 * `staleAfterMs` (a dead holder is found within twice the lease), one run at a time. Every
 * instance may sweep: each stale record is taken by one of them only (see takeOverStale).
 */
export class StaleRecordSweep {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> = Promise.resolve();

  constructor(
    private readonly what: string,
    private readonly recover: () => Promise<number>,
    private readonly timing: LeaseTiming,
    private readonly logger: Logger,
  ) {}

  /** The first sweep is awaited, so records a crash left behind are finished before the service takes work. */
  async start(): Promise<void> {
    await this.sweep();
    this.timer ??= setInterval(() => void this.sweep(), this.timing.staleAfterMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  private sweep(): Promise<void> {
    this.running = this.running.then(async () => {
      try {
        const finished = await this.recover();
        if (finished > 0) this.logger.warn({ finished }, `${this.what} whose process stopped were finished`);
      } catch (error) {
        this.logger.error({ err: error }, `${this.what} whose process stopped could not be finished`);
      }
    });
    return this.running;
  }
}
