import type { RememberedFigures } from '../../../datasources/rememberedFigures';
import type { Db } from '../../../datasources/store';
import { badInput } from '../../../errors';
import { ADMIN_STATS, FAN_CAMPAIGNS, type AdminStatsDoc, type FanCampaignDoc } from '../model';
import { campaignFigures } from './figures';

export const DEFAULT_HISTORY = 100;
export const MAX_HISTORY = 1000;
const DAY_MS = 86_400_000;

export interface HistoryRange {
  /** Inclusive; default: a day before `to`. */
  from?: Date | null;
  /** Exclusive; default: now. */
  to?: Date | null;
  /** At most this many snapshots, oldest first (default 100, at most 1000). */
  first?: number | null;
}

/**
 * The adminStats time series (seed 004 saveStats): one snapshot per campaign per run, kept 90
 * days by the TTL index on `at` (src/services/fans/indexes.ts).
 */
export class StatsSnapshots {
  constructor(
    private readonly db: Db,
    private readonly clock: () => Date = () => new Date(),
    /** On the embedded store: the latest snapshot is read once per change to the snapshots. */
    private readonly remembered?: RememberedFigures,
  ) {}

  /**
   * Snapshots every OPEN campaign. `runKey` (the job's id) names the snapshots, so a retried run
   * rewrites its own snapshots instead of adding more. Answers how many were written.
   */
  async saveOpenCampaigns(
    runKey: string,
    onCampaign?: (done: number, total: number) => Promise<void>,
  ): Promise<number> {
    const campaigns = this.db.collection<FanCampaignDoc>(FAN_CAMPAIGNS);
    const total = await campaigns.countDocuments({ status: 'OPEN' });
    const open = campaigns.find({ status: 'OPEN' }, { projection: { _id: 1 }, sort: { _id: 1 } });
    let saved = 0;
    for await (const { _id } of open) {
      await this.save(_id, runKey);
      saved++;
      await onCampaign?.(saved, Math.max(total, saved));
    }
    return saved;
  }

  async campaignExists(campaignId: string): Promise<boolean> {
    return (await this.db.collection<FanCampaignDoc>(FAN_CAMPAIGNS).countDocuments({ _id: campaignId })) > 0;
  }

  /** Computes and stores one campaign's snapshot (whatever its status: a closed one gets a last look). */
  async save(campaignId: string, runKey: string): Promise<AdminStatsDoc> {
    const figures = await campaignFigures(this.db, campaignId);
    const snapshot: AdminStatsDoc = { _id: `${campaignId}:${runKey}`, campaignId, at: this.clock(), ...figures };
    await this.db.collection<AdminStatsDoc>(ADMIN_STATS).replaceOne({ _id: snapshot._id }, snapshot, { upsert: true });
    return snapshot;
  }

  latest(campaignId: string): Promise<AdminStatsDoc | null> {
    const read = () => this.db.collection<AdminStatsDoc>(ADMIN_STATS).findOne({ campaignId }, { sort: { at: -1 } });
    return this.remembered ? this.remembered.get(`latestStats|${campaignId}`, [ADMIN_STATS], read) : read();
  }

  /** Snapshots taken in [from, to), oldest first: a chart's series. */
  history(campaignId: string, range: HistoryRange = {}): Promise<AdminStatsDoc[]> {
    const first = range.first ?? DEFAULT_HISTORY;
    if (!Number.isInteger(first) || first < 0 || first > MAX_HISTORY) {
      throw badInput(`first: between 0 and ${MAX_HISTORY}`, 'first');
    }
    const to = range.to ?? this.clock();
    const from = range.from ?? new Date(to.getTime() - DAY_MS);
    if (from.getTime() > to.getTime()) throw badInput('from: not after to', 'from');
    return this.db
      .collection<AdminStatsDoc>(ADMIN_STATS)
      .find({ campaignId, at: { $gte: from, $lt: to } }, { sort: { at: 1 }, limit: first })
      .toArray();
  }
}
