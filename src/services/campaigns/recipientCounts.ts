import type { Db } from '../../datasources/store';
import { C, type CampaignDoc, type RecipientDoc, type RecipientFlag } from './model';
import { STATS_COLLECTIONS, type CampaignStatsDoc } from './statsRollup';

/** The figure of the kept totals that counts the recipients with each flag on. */
export const flagTotals: Record<RecipientFlag, 'uniqueOpens' | 'uniqueClicks' | 'conversions'> = {
  opened: 'uniqueOpens',
  clicked: 'uniqueClicks',
  converted: 'conversions',
};

export interface KeptRecipientCounts {
  audienceSize: number;
  sent: number;
  /** The campaign's kept totals (statsRollup.ts), null before anything was counted in them. */
  totals: CampaignStatsDoc | null;
}

/**
 * A campaign's recipients and those sent, from the figures kept as they change: the audience
 * size frozen on the campaign, and `sent`, counted in its totals as the sends mark recipients
 * SENT. Counted from the recipients' index only while there is no such figure: while the audience
 * is being frozen, and for totals kept before `sent` was (a `stats rebuild` adds it).
 */
export async function keptRecipientCounts(db: Db, campaign: CampaignDoc): Promise<KeptRecipientCounts> {
  const recipients = db.collection<RecipientDoc>(C.recipients);
  const campaignId = campaign._id;
  const totals = await db.collection<CampaignStatsDoc>(STATS_COLLECTIONS.totals).findOne({ _id: campaignId });
  const [audienceSize, sent] = await Promise.all([
    campaign.frozenAt ? (campaign.audienceSize ?? 0) : recipients.countDocuments({ campaignId }),
    totals?.sent ?? recipients.countDocuments({ campaignId, status: 'SENT' }),
  ]);
  return { audienceSize, sent, totals };
}
