import type { Db } from '../../../datasources/store';
import type { Logger } from '../../../logger';
import { WAVES, type WaveDoc } from '../model';

/** Pause and cancel must take effect within a second: the wave is read at least this often. */
export const WAVE_READ_MS = 400;

/**
 * The wave as a sending run last read it, read again every 400 ms: a pause, a cancel or a change
 * of rate made anywhere reaches every worker within half a second. One indexed read by id.
 */
export class WaveWatch {
  private timer: NodeJS.Timeout | null = null;

  private constructor(
    private readonly db: Db,
    private wave: WaveDoc,
    private readonly logger: Logger,
  ) {}

  static async open(db: Db, waveId: string, logger: Logger): Promise<WaveWatch | null> {
    const wave = await db.collection<WaveDoc>(WAVES).findOne({ _id: waveId });
    if (!wave) return null;
    const watch = new WaveWatch(db, wave, logger);
    watch.timer = setInterval(() => void watch.refresh().catch((error: unknown) => watch.failed(error)), WAVE_READ_MS);
    watch.timer.unref();
    return watch;
  }

  current(): WaveDoc {
    return this.wave;
  }

  async refresh(): Promise<WaveDoc> {
    const wave = await this.db.collection<WaveDoc>(WAVES).findOne({ _id: this.wave._id });
    if (wave) this.wave = wave;
    return this.wave;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private failed(error: unknown): void {
    this.logger.warn({ err: error, waveId: this.wave._id }, 'wave not read; the last read stands');
  }
}
