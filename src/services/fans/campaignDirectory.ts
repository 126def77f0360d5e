import type { Db } from '../../datasources/store';
import { AppError, notFound } from '../../errors';
import { FAN_CAMPAIGNS, type FanCampaignDoc, type MarketDoc } from './model';

/** How long a looked-up campaign is reused: pipelines ask for the same few campaigns per record. */
const CACHE_MS = 1000;

/**
 * Fan campaigns as the pipelines look them up, record after record: one store read per campaign
 * per second at most. A change (open, close, markets) is seen within that second; the API's own
 * reads and writes go to the store directly.
 */
export class CampaignDirectory {
  private readonly cache = new Map<string, { doc: FanCampaignDoc | null; until: number }>();

  constructor(private readonly db: Db) {}

  async get(campaignId: string): Promise<FanCampaignDoc | null> {
    const now = Date.now();
    const cached = this.cache.get(campaignId);
    if (cached && cached.until > now) return cached.doc;
    const doc = await this.db.collection<FanCampaignDoc>(FAN_CAMPAIGNS).findOne({ _id: campaignId });
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(campaignId, { doc, until: now + CACHE_MS });
    return doc;
  }

  /** Forgets a campaign at once (after this process changed it). */
  forget(campaignId: string): void {
    this.cache.delete(campaignId);
  }

  /** The campaign, or NOT_FOUND. */
  async require(campaignId: string): Promise<FanCampaignDoc> {
    const doc = await this.get(campaignId);
    if (!doc) throw notFound('Fan campaign', campaignId);
    return doc;
  }

  /** The campaign when it is OPEN, else NOT_FOUND or CAMPAIGN_NOT_OPEN (CONFLICT). */
  async requireOpen(campaignId: string): Promise<FanCampaignDoc> {
    const doc = await this.require(campaignId);
    if (doc.status !== 'OPEN') throw campaignNotOpen(doc);
    return doc;
  }
}

export const campaignNotOpen = (doc: FanCampaignDoc) =>
  new AppError('CONFLICT', `Fan campaign ${doc._id} is ${doc.status}, not OPEN`, { reason: 'CAMPAIGN_NOT_OPEN' });

/** The market of `campaign` with this id, or null. */
export const marketOf = (campaign: FanCampaignDoc, marketId: string): MarketDoc | null =>
  campaign.markets.find((market) => market.id === marketId) ?? null;
