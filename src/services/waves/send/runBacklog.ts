import type { Filter } from '../../../datasources/store';
import { WAVE_MESSAGES, WAVES, type WaveDoc, type WaveMessageDoc } from '../model';
import { expectedFinishAt, type ZoneBacklog } from './expectedFinish';
import { waveProgress } from '../queries/waveQueries';
import { isQuiet, nextSendableAt } from './quietHours';
import type { WaveSendDeps } from './waveSendDeps';

/** The per-zone backlog is read again after this long (one pass over the wave's PENDING messages), as is the expected finish. */
const BACKLOG_TTL_MS = 30_000;
/** Retries due soon are looked for again after this long. */
const POLL_MS = 500;

/**
 * What a run still has to send, by time zone: which zones it may claim from now (quiet hours),
 * when the next PENDING message can go, and the wave's expected finish.
 */
export class RunBacklog {
  private zones: ZoneBacklog[] | null = null;
  private readAt = 0;
  private finishAt = 0;

  constructor(
    private readonly deps: Pick<WaveSendDeps, 'db' | 'settings' | 'now'>,
    private readonly waveId: string,
  ) {}

  private get messages() {
    return this.deps.db.collection<WaveMessageDoc>(WAVE_MESSAGES);
  }

  /** The time zones that may be texted now; null when quiet hours are off (all of them). */
  async openZones(): Promise<string[] | null> {
    if (!this.deps.settings.quiet.enabled) return null;
    const now = this.deps.now();
    const zones = await this.byZone(false);
    return zones.filter((zone) => !isQuiet(now, zone.timeZone, this.deps.settings.quiet)).map((zone) => zone.timeZone);
  }

  /**
   * When a PENDING message may next be claimed: soon when some are only waiting for their retry,
   * the first opening when every zone holding some is quiet; null when none is PENDING.
   */
  async nextPendingAt(): Promise<Date | null> {
    const any = await this.messages.findOne({ waveId: this.waveId, status: 'PENDING' }, { projection: { _id: 1 } });
    if (!any) return null;
    const now = this.deps.now();
    const soon = new Date(now.getTime() + POLL_MS);
    if (!this.deps.settings.quiet.enabled) return soon;
    const zones = (await this.byZone(true)).filter((zone) => zone.segments > 0);
    const openings = zones.map((zone) => nextSendableAt(now, zone.timeZone, this.deps.settings.quiet).getTime());
    if (openings.length === 0) return soon;
    const first = Math.min(...openings);
    return first <= now.getTime() ? soon : new Date(first);
  }

  /**
   * Writes the wave's expected finish (every 30 s, or now when forced): with quiet hours, from its
   * backlog per zone and its rate; without, from what is left of its segments at its rate.
   */
  async updateExpectedFinish(force: boolean): Promise<void> {
    if (!force && Date.now() - this.finishAt < BACKLOG_TTL_MS) return;
    this.finishAt = Date.now();
    const waves = this.deps.db.collection<WaveDoc>(WAVES);
    const wave = await waves.findOne({ _id: this.waveId });
    if (!wave) return;
    const now = this.deps.now();
    const rate = wave.config.segmentsPerSecond;
    const at = this.deps.settings.quiet.enabled
      ? expectedFinishAt(now, await this.byZone(true), rate, this.deps.settings.quiet)
      : new Date(now.getTime() + Math.ceil(((1 - waveProgress(wave)) * wave.totalSegments * 1000) / rate));
    await waves.updateOne({ _id: this.waveId, status: { $in: ['SENDING', 'PAUSED'] } } as Filter<WaveDoc>, {
      $set: { expectedFinishAt: at },
    });
  }

  /** Segments PENDING per time zone, read again when older than 30 s (or when asked). */
  private async byZone(fresh: boolean): Promise<ZoneBacklog[]> {
    if (this.zones && !fresh && Date.now() - this.readAt < BACKLOG_TTL_MS) return this.zones;
    const groups = await this.messages
      .aggregate<{ _id: string; segments: number }>([
        { $match: { waveId: this.waveId, status: 'PENDING' } },
        { $group: { _id: '$timeZone', segments: { $sum: '$segments' } } },
      ])
      .toArray();
    this.zones = groups.map((group) => ({ timeZone: group._id, segments: group.segments }));
    this.readAt = Date.now();
    return this.zones;
  }
}
