import type { Db } from '../../datasources/store';
import { expireCampaignEvents, oldestCampaignEvent, utcDayOf } from '../campaigns/campaignEventExpiry';
import { C, type CampaignDoc } from '../campaigns/model';
import { clickUnitNames, expireClickEvents, oldestClickDay } from '../clicks/clickExpiry';
import type { ReportingCalendar } from '../clicks/reportingDay';
import { pauseBetweenBatches, type BatchPolicy } from './deleteInBatches';
import { earliest, type RetentionSweeper } from './sweeper';

const batchesOf = (policy: BatchPolicy) => ({
  size: policy.batchSize,
  between: () => pauseBetweenBatches(policy),
  signal: policy.signal,
});

/**
 * Aggregated click events, per business unit, of the reporting days before the one the cutoff
 * falls on: what their figures need is kept (clickExpiry.ts), so no figure changes. A unit with
 * nothing that old is passed over after one index read.
 */
export function clickEventsSweeper(db: Db, calendar: ReportingCalendar): RetentionSweeper {
  return {
    kind: 'AGGREGATED_CLICK_EVENTS',
    async oldest() {
      let oldest: Date | null = null;
      for (const bu of await clickUnitNames(db)) oldest = earliest(oldest, await oldestClickDay(db, bu));
      return oldest;
    },
    async sweep(cutoff, policy) {
      if (!cutoff) return { deleted: 0 };
      const before = calendar.dayOf(cutoff);
      let deleted = 0;
      for (const bu of await clickUnitNames(db)) {
        const oldest = await oldestClickDay(db, bu);
        if (oldest && oldest < before) deleted += await expireClickEvents(db, bu, before, batchesOf(policy));
      }
      return { deleted };
    },
  };
}

async function campaignIds(db: Db): Promise<string[]> {
  const campaigns = await db
    .collection<CampaignDoc>(C.campaigns)
    .find({}, { projection: { _id: 1 } })
    .toArray();
  return campaigns.map((campaign) => campaign._id);
}

/**
 * Campaign events, per campaign, of the UTC days before the one the cutoff falls on: their days
 * are sealed into the kept figures first (campaignEventExpiry.ts). A campaign with nothing that
 * old is passed over after one index read.
 */
export function campaignEventsSweeper(db: Db): RetentionSweeper {
  return {
    kind: 'CAMPAIGN_EVENTS',
    async oldest() {
      let oldest: Date | null = null;
      for (const id of await campaignIds(db)) oldest = earliest(oldest, await oldestCampaignEvent(db, id));
      return oldest;
    },
    async sweep(cutoff, policy) {
      if (!cutoff) return { deleted: 0 };
      const before = utcDayOf(cutoff);
      let deleted = 0;
      for (const id of await campaignIds(db)) {
        policy.signal?.throwIfAborted();
        const oldest = await oldestCampaignEvent(db, id);
        if (oldest && oldest < before) deleted += await expireCampaignEvents(db, id, before, batchesOf(policy));
      }
      return { deleted };
    },
  };
}
