import type { Db } from '../../../datasources/store';
import type { FanEntries } from '../entries/fanEntries';
import { FAN_CAMPAIGNS, type FanCampaignDoc, type FanCampaignStatus } from '../model';
import { campaignConflict } from './campaignConflict';
import { checkWindow, parseCampaignChange, toMarketDoc } from './campaignInput';

/** Statuses in which a campaign's definition may still change: a CLOSED one is history. */
const editable: FanCampaignStatus[] = ['DRAFT', 'OPEN'];

/**
 * Changes the fields given of a DRAFT or OPEN campaign. `markets` replaces the list: markets may be
 * added or changed, but one that entries name (as any preference) stays, or those entries would
 * point nowhere. The write is conditional on the campaign being unchanged since it was read.
 */
export async function updateCampaign(
  db: Db,
  entries: FanEntries,
  campaign: FanCampaignDoc,
  input: unknown,
  now: Date,
): Promise<FanCampaignDoc> {
  const change = parseCampaignChange(input);
  if (!editable.includes(campaign.status)) {
    throw campaignConflict(
      `Fan campaign ${campaign._id} is ${campaign.status}: it can no longer change`,
      'CAMPAIGN_CLOSED',
    );
  }
  const set: Partial<FanCampaignDoc> = {};
  if (change.name !== undefined) set.name = change.name;
  if (change.artist !== undefined) set.artist = change.artist;
  if (change.scoringType !== undefined) set.scoringType = change.scoringType;
  if (change.registrationOpensAt !== undefined) set.registrationOpensAt = change.registrationOpensAt;
  if (change.registrationClosesAt !== undefined) set.registrationClosesAt = change.registrationClosesAt;
  checkWindow(
    set.registrationOpensAt !== undefined ? set.registrationOpensAt : campaign.registrationOpensAt,
    set.registrationClosesAt !== undefined ? set.registrationClosesAt : campaign.registrationClosesAt,
  );
  if (change.markets !== undefined) {
    const kept = new Set(change.markets.map((market) => market.id));
    const removed = campaign.markets.map((market) => market.id).filter((id) => !kept.has(id));
    const inUse = await entries.marketsWithEntries(campaign._id, removed);
    if (inUse.length > 0) {
      throw campaignConflict(
        `Fan campaign ${campaign._id}: market ${inUse.join(', ')} has entries and cannot be removed`,
        'MARKET_HAS_ENTRIES',
        { field: 'input.markets', markets: inUse },
      );
    }
    if (campaign.status === 'OPEN' && change.markets.length === 0) {
      throw campaignConflict(`Fan campaign ${campaign._id} is OPEN: it keeps at least one market`, 'NO_MARKETS');
    }
    set.markets = change.markets.map(toMarketDoc);
  }
  const updated = await db
    .collection<FanCampaignDoc>(FAN_CAMPAIGNS)
    .findOneAndUpdate(
      { _id: campaign._id, status: campaign.status, updatedAt: campaign.updatedAt },
      { $set: { ...set, updatedAt: now } },
      { returnDocument: 'after' },
    );
  if (updated) return updated;
  throw campaignConflict(
    `Fan campaign ${campaign._id} changed meanwhile: read it again and retry`,
    'CHANGED_CONCURRENTLY',
  );
}
