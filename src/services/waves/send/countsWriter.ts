import type { Db } from '../../../datasources/store';
import type { Logger } from '../../../logger';
import { WAVES, type WaveDoc } from '../model';
import { isEmptyDelta, mergeDelta, type CountsDelta } from './counts';
import { countMetrics, type WaveSendMetrics } from './metrics';

/** Pending changes of counts are written at most this often (the wave's subscribers see every second). */
const FLUSH_MS = 200;

/**
 * Adds the count changes of message changes to their waves with `$inc`, gathered for up to
 * 200 ms per wave: a text sent costs its message's write, not also one on the wave's document.
 * A crash loses at most what was gathered; the next wave-send run recounts a wave it finds
 * claims of a dead worker in (recountWave).
 */
export class CountsWriter {
  private readonly pending = new Map<string, CountsDelta>();
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Db,
    private readonly metrics: WaveSendMetrics,
    private readonly logger: Logger,
  ) {}

  add(waveId: string, delta: CountsDelta): void {
    if (isEmptyDelta(delta)) return;
    countMetrics(this.metrics, delta);
    const gathered = this.pending.get(waveId) ?? {};
    mergeDelta(gathered, delta);
    this.pending.set(waveId, gathered);
    if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), FLUSH_MS);
      this.timer.unref();
    }
  }

  /** Writes everything gathered so far; resolves once it is stored. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = [...this.pending.entries()];
    this.pending.clear();
    this.flushing = this.flushing.then(() => this.write(batch));
    return this.flushing;
  }

  private async write(batch: [string, CountsDelta][]): Promise<void> {
    for (const [waveId, delta] of batch) {
      const inc = Object.fromEntries(
        Object.entries(delta)
          .filter(([, value]) => value !== 0)
          .map(([key, value]) => [`counts.${key}`, value]),
      );
      if (Object.keys(inc).length === 0) continue;
      try {
        await this.db
          .collection<WaveDoc>(WAVES)
          .updateOne({ _id: waveId }, { $inc: inc, $set: { updatedAt: new Date() } });
      } catch (error) {
        // Kept for the next flush: a count change is never dropped while the process lives.
        this.logger.warn({ err: error, waveId }, 'wave counts not written; retrying with the next flush');
        const gathered = this.pending.get(waveId) ?? {};
        mergeDelta(gathered, delta);
        this.pending.set(waveId, gathered);
        if (!this.timer) {
          this.timer = setTimeout(() => void this.flush(), FLUSH_MS);
          this.timer.unref();
        }
      }
    }
  }
}
