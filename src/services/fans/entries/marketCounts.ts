import type { RememberedFigures } from '../../../datasources/rememberedFigures';
import type { AnyBulkWriteOperation, Collection, Db } from '../../../datasources/store';
import { KeyedLock } from '../../keyedLock';
import { FAN_CAMPAIGNS, FAN_ENTRIES, FAN_ENTRY_COUNTS, type FanCampaignDoc, type FanEntryDoc } from '../model';

/** A campaign's entries counted by first-choice market, kept beside the entries. */
export interface FanEntryCountsDoc {
  /** The campaign's id. */
  _id: string;
  /** Entries per first-choice market id (a market no entry prefers first may be missing or 0). */
  markets: Record<string, number>;
  /** When they were last recounted from the entries; absent: kept by writes alone since the first. */
  countedAt?: Date;
}

/**
 * The change a write makes to the counts: entries entering and leaving first-choice markets.
 * Entries with no market are not counted.
 */
export class MarketCountChanges {
  private readonly byCampaign = new Map<string, Map<string, number>>();

  /** An entry of `campaignId` now prefers `market` first (`by` 1), or no longer does (-1). */
  add(campaignId: string, market: string | null, by: 1 | -1): void {
    if (market === null) return;
    let markets = this.byCampaign.get(campaignId);
    if (!markets) {
      markets = new Map();
      this.byCampaign.set(campaignId, markets);
    }
    markets.set(market, (markets.get(market) ?? 0) + by);
  }

  /** An entry written over one whose first choice was `before` (undefined: the entry is new). */
  move(campaignId: string, before: string | null | undefined, after: string | null): void {
    if (before === after) return;
    if (before !== undefined) this.add(campaignId, before, -1);
    this.add(campaignId, after, 1);
  }

  operations(): AnyBulkWriteOperation<FanEntryCountsDoc>[] {
    const operations: AnyBulkWriteOperation<FanEntryCountsDoc>[] = [];
    for (const [campaignId, markets] of this.byCampaign) {
      const inc: Record<string, number> = {};
      for (const [market, by] of markets) if (by !== 0) inc[`markets.${market}`] = by;
      if (Object.keys(inc).length === 0) continue;
      operations.push({ updateOne: { filter: { _id: campaignId }, update: { $inc: inc }, upsert: true } });
    }
    return operations;
  }
}

/**
 * Registrations per market kept with the entries, so a dashboard reads one document per campaign
 * instead of counting its entries. Every writer of an entry's first-choice market (registrations,
 * entry imports) plans the change from the entries stored before its write, while it is the only
 * writer of those campaigns in this process (`exclusive`), and issues it in the turn of the
 * entries' write: one commit on the embedded store, so a crash keeps both or neither, and a
 * redelivered record, whose entry is already stored with the same market, changes nothing.
 * `rebuild` recomputes them from the entries' market index (`stats rebuild`); at start-up so does
 * `recountMissing` for each campaign with entries whose counts were never recounted (data written
 * before the counts were kept).
 */
export class FanMarketCounts {
  private readonly writers = new KeyedLock();

  constructor(
    private readonly db: Db,
    /** On the embedded store: a campaign's counts are read once per change to the counts. */
    private readonly remembered?: RememberedFigures,
  ) {}

  private get counts(): Collection<FanEntryCountsDoc> {
    return this.db.collection<FanEntryCountsDoc>(FAN_ENTRY_COUNTS);
  }

  /** Runs `task` as the only writer of these campaigns' entries in this process. */
  async exclusive<T>(campaignIds: readonly string[], task: () => Promise<T>): Promise<T> {
    const [first, ...rest] = [...new Set(campaignIds)].sort();
    if (first === undefined) return task();
    return this.writers.run(first, () => this.exclusive(rest, task));
  }

  /** The first-choice market of each of these entries as stored; an entry not stored is absent. */
  async storedMarkets(ids: readonly string[]): Promise<Map<string, string | null>> {
    if (ids.length === 0) return new Map();
    const stored = await this.db
      .collection<FanEntryDoc>(FAN_ENTRIES)
      .find({ _id: { $in: [...ids] } }, { projection: { _id: 1, market: 1 } })
      .toArray();
    return new Map(stored.map((entry) => [entry._id, entry.market ?? null]));
  }

  /** Issues the counts' update for `changes` (in the caller's turn: the entries' commit). */
  write(changes: MarketCountChanges): Promise<unknown>[] {
    const operations = changes.operations();
    if (operations.length === 0) return [];
    return [this.counts.bulkWrite(operations, { ordered: false })];
  }

  /** Registrations per market of the campaign, for `marketIds` (0 for a market none prefers first). */
  async read(campaignId: string, marketIds: readonly string[]): Promise<Map<string, number>> {
    const find = () => this.counts.findOne({ _id: campaignId });
    const { remembered } = this;
    const doc = await (remembered ? remembered.get(`fanEntryCounts|${campaignId}`, [FAN_ENTRY_COUNTS], find) : find());
    return new Map(marketIds.map((market) => [market, doc?.markets[market] ?? 0]));
  }

  /** Recomputes the counts of every campaign from its entries; answers how many campaigns. */
  async rebuild(): Promise<number> {
    const campaigns = await this.campaignsWithMarkets();
    for (const campaign of campaigns) await this.exclusive([campaign._id], () => this.recount(campaign));
    return campaigns.length;
  }

  /**
   * Recounts the campaigns that have entries and counts never recounted from them: a data set
   * written before the counts were kept, or whose counts began with writes that came in while
   * the service was starting. Answers how many.
   */
  async recountMissing(): Promise<number> {
    let recounted = 0;
    for (const campaign of await this.campaignsWithMarkets()) {
      const missing = await this.exclusive([campaign._id], async () => {
        const kept = await this.counts.findOne({ _id: campaign._id }, { projection: { countedAt: 1 } });
        if (kept?.countedAt) return false;
        const entry = await this.db
          .collection<FanEntryDoc>(FAN_ENTRIES)
          .findOne({ campaignId: campaign._id }, { projection: { _id: 1 } });
        if (!entry) return false;
        await this.recount(campaign);
        return true;
      });
      if (missing) recounted += 1;
    }
    return recounted;
  }

  private campaignsWithMarkets(): Promise<Pick<FanCampaignDoc, '_id' | 'markets'>[]> {
    return this.db
      .collection<FanCampaignDoc>(FAN_CAMPAIGNS)
      .find({}, { projection: { _id: 1, markets: 1 } })
      .toArray();
  }

  /**
   * The campaign's counts from its entries, one count on the market index per market. Entries
   * can only name the campaign's markets (removing a market entries name is refused).
   */
  private async recount(campaign: Pick<FanCampaignDoc, '_id' | 'markets'>): Promise<void> {
    const entries = this.db.collection<FanEntryDoc>(FAN_ENTRIES);
    const markets: Record<string, number> = {};
    for (const { id } of campaign.markets) {
      markets[id] = await entries.countDocuments({ campaignId: campaign._id, market: id });
    }
    await this.counts.replaceOne({ _id: campaign._id }, { markets, countedAt: new Date() }, { upsert: true });
  }
}
