import type { RememberedFigures } from '../../datasources/rememberedFigures';
import type { Db } from '../../datasources/store';
import { getCampaign } from './campaigns';
import { C } from './model';
import { bucketMs, bucketStarts, engagementRates, granularityFor, rate, type EngagementCounts } from './rates';
import { keptRecipientCounts } from './recipientCounts';
import type { CampaignStats, TimeBucket } from './stats';
import { STATS_COLLECTIONS, statsDayId, type BucketCounts, type CampaignStatsDayDoc } from './statsRollup';

const DAY_MS = 86_400_000;

const utcDay = (at: Date) => new Date(Math.floor(at.getTime() / DAY_MS) * DAY_MS);

/** What a campaign's kept analytics are made of: its figures change with any of these collections. */
const KEPT_COLLECTIONS = [C.campaigns, C.recipients, STATS_COLLECTIONS.totals, STATS_COLLECTIONS.days];

/** The campaign, its recipients' counts and totals, and every day of its series (statsRollup.ts). */
async function readKept(db: Db, campaignId: string) {
  const campaign = await getCampaign(db, campaignId);
  const [counts, days] = await Promise.all([
    keptRecipientCounts(db, campaign),
    db
      .collection<CampaignStatsDayDoc>(STATS_COLLECTIONS.days)
      .find({ _id: { $gte: statsDayId(campaignId, utcDay(campaign.createdAt)), $lt: `${campaignId};` } })
      .toArray(),
  ]);
  return { campaign, counts, days };
}

/**
 * A campaign's analytics since its creation, from the figures kept as its events are stored
 * (statsRollup.ts): one document of totals, one per day of the series (whose hours make the
 * hourly series), and the recipients' counts kept as they are frozen and sent
 * (recipientCounts.ts). Reads no event and no recipient; with `figures`, reads them once per
 * change to them, the series worked out from them at `now` each time.
 */
export async function keptStats(
  db: Db,
  campaignId: string,
  now: Date,
  figures?: RememberedFigures,
): Promise<CampaignStats> {
  const read = () => readKept(db, campaignId);
  const kept = figures ? await figures.get(`keptStats|${campaignId}`, KEPT_COLLECTIONS, read) : await read();
  const { campaign, days } = kept;
  const { audienceSize, sent, totals } = kept.counts;
  const from = campaign.createdAt;
  const to = now.getTime() > from.getTime() ? now : new Date(from.getTime() + 1);
  const granularity = granularityFor(from, to);
  const starts = bucketStarts(from, to, granularity);
  const counts: EngagementCounts = {
    audienceSize,
    sent,
    uniqueOpens: totals?.uniqueOpens ?? 0,
    totalClicks: totals?.clicks ?? 0,
    uniqueClicks: totals?.uniqueClicks ?? 0,
    conversions: totals?.conversions ?? 0,
  };
  const links = (campaign.content?.links ?? []).map((url, index) => {
    const link = totals?.links?.[String(index)];
    const uniqueClickers = link?.uniqueClickers ?? 0;
    return { index, url, clicks: link?.clicks ?? 0, uniqueClickers, clickThroughRate: rate(uniqueClickers, sent) };
  });
  const series = fillSeries(starts, days, bucketMs(granularity));
  return {
    campaignId,
    from,
    to,
    ...counts,
    ...engagementRates(counts),
    conversionValue: totals?.conversionValue ?? 0,
    links,
    granularity,
    series,
  };
}

/** The buckets of the series, each the sum of the days (daily) or hours (hourly) it holds. */
function fillSeries(starts: Date[], days: CampaignStatsDayDoc[], size: number): TimeBucket[] {
  const buckets = new Map(starts.map((start) => [start.getTime(), { start, opens: 0, clicks: 0, conversions: 0 }]));
  const add = (at: number, counts: Partial<BucketCounts>) => {
    const bucket = buckets.get(Math.floor(at / size) * size);
    if (!bucket) return;
    bucket.opens += counts.opens ?? 0;
    bucket.clicks += counts.clicks ?? 0;
    bucket.conversions += counts.conversions ?? 0;
  };
  for (const day of days) {
    if (size >= DAY_MS) {
      add(day.day.getTime(), day);
      continue;
    }
    for (const [hour, counts] of Object.entries(day.hours ?? {}))
      add(day.day.getTime() + Number(hour) * 3_600_000, counts);
  }
  return [...buckets.values()];
}
