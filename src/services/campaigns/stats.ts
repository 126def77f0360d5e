import type { RememberedFigures } from '../../datasources/rememberedFigures';
import type { Db } from '../../datasources/store';
import { badInput } from '../../errors';
import { assertCampaignEventsRetained } from './campaignEventExpiry';
import { getCampaign } from './campaigns';
import { keptStats } from './keptStats';
import { C, type CampaignDoc, type CampaignEventType, type RecipientDoc } from './model';
import {
  bucketMs,
  bucketStarts,
  engagementRates,
  granularityFor,
  rate,
  type EngagementCounts,
  type EngagementRates,
  type Granularity,
} from './rates';

export interface LinkStats {
  index: number;
  url: string;
  clicks: number;
  uniqueClickers: number;
  /** Unique clickers of this link per message sent. */
  clickThroughRate: number;
}

export interface TimeBucket {
  start: Date;
  opens: number;
  clicks: number;
  conversions: number;
}

export interface CampaignStats extends EngagementCounts, EngagementRates {
  campaignId: string;
  from: Date;
  to: Date;
  conversionValue: number;
  links: LinkStats[];
  granularity: Granularity;
  series: TimeBucket[];
}

interface Group {
  _id: { type: CampaignEventType; recipientId: string; linkIndex: number | null };
  events: number;
  value: number;
}

export interface StatsRange {
  from?: Date | null;
  to?: Date | null;
}

/**
 * A campaign's analytics. Without a range: every event since its creation, from the figures kept
 * as events are stored (keptStats.ts; with `figures`, read once per change to them). Over a
 * range: computed from the events in it.
 */
export async function campaignStats(
  db: Db,
  campaignId: string,
  range: StatsRange = {},
  now = new Date(),
  figures?: RememberedFigures,
): Promise<CampaignStats> {
  if (!range.from && !range.to) return keptStats(db, campaignId, now, figures);
  return computedStats(db, await getCampaign(db, campaignId), range, now);
}

/**
 * A campaign's analytics over [from, to) (default: from its creation to now), computed. Audience
 * size and sent come from the recipients; engagement from the events in the range, grouped in the
 * store by type, recipient and link, so the service reads one row per engaged recipient, not per
 * event. The range must start where the events are still kept (campaignEventExpiry.ts).
 */
export async function computedStats(
  db: Db,
  campaign: CampaignDoc,
  range: StatsRange = {},
  now = new Date(),
): Promise<CampaignStats> {
  const campaignId = campaign._id;
  const from = range.from ?? campaign.createdAt;
  const to = range.to ?? now;
  if (to.getTime() <= from.getTime()) throw badInput('range: "to" must be after "from"', 'range');
  await assertCampaignEventsRetained(db, campaignId, from);
  const recipients = db.collection<RecipientDoc>(C.recipients);
  const match = { campaignId, occurredAt: { $gte: from, $lt: to } };
  const [audienceSize, sent, groups] = await Promise.all([
    recipients.countDocuments({ campaignId }),
    recipients.countDocuments({ campaignId, status: 'SENT' }),
    db
      .collection(C.events)
      .aggregate<Group>([
        { $match: match },
        {
          $group: {
            _id: { type: '$type', recipientId: '$recipientId', linkIndex: '$linkIndex' },
            events: { $sum: 1 },
            value: { $sum: { $ifNull: ['$value', 0] } },
          },
        },
      ])
      .toArray(),
  ]);
  const { engaged, totalClicks, conversionValue, perLink } = tally(groups);
  const counts: EngagementCounts = {
    audienceSize,
    sent,
    uniqueOpens: engaged.opened.size,
    totalClicks,
    uniqueClicks: engaged.clicked.size,
    conversions: engaged.converted.size,
  };
  const links = (campaign.content?.links ?? []).map((url, index) => {
    const link = perLink.get(index);
    const uniqueClickers = link?.clickers.size ?? 0;
    return { index, url, clicks: link?.clicks ?? 0, uniqueClickers, clickThroughRate: rate(uniqueClickers, sent) };
  });
  const granularity = granularityFor(from, to);
  const series = await timeSeries(db, match, from, to, granularity);
  return { campaignId, from, to, ...counts, ...engagementRates(counts), conversionValue, links, granularity, series };
}

/** Folds the grouped events into unique engaged recipients, click totals and per-link clickers. */
function tally(groups: Group[]) {
  const engaged = { opened: new Set<string>(), clicked: new Set<string>(), converted: new Set<string>() };
  let totalClicks = 0;
  let conversionValue = 0;
  const perLink = new Map<number, { clicks: number; clickers: Set<string> }>();
  for (const { _id, events, value } of groups) {
    if (_id.type === 'CONVERSION') {
      engaged.converted.add(_id.recipientId);
      conversionValue += value;
      continue;
    }
    // a click counts as an open too (see recordEvents.ts)
    engaged.opened.add(_id.recipientId);
    if (_id.type !== 'CLICK') continue;
    engaged.clicked.add(_id.recipientId);
    totalClicks += events;
    const link = perLink.get(_id.linkIndex ?? -1) ?? { clicks: 0, clickers: new Set<string>() };
    link.clicks += events;
    link.clickers.add(_id.recipientId);
    perLink.set(_id.linkIndex ?? -1, link);
  }
  return { engaged, totalClicks, conversionValue, perLink };
}

async function timeSeries(
  db: Db,
  match: object,
  from: Date,
  to: Date,
  granularity: Granularity,
): Promise<TimeBucket[]> {
  const size = bucketMs(granularity);
  const rows = await db
    .collection(C.events)
    .aggregate<{ _id: { type: CampaignEventType; start: number }; events: number }>([
      { $match: match },
      {
        $group: {
          _id: {
            type: '$type',
            start: { $subtract: [{ $toLong: '$occurredAt' }, { $mod: [{ $toLong: '$occurredAt' }, size] }] },
          },
          events: { $sum: 1 },
        },
      },
    ])
    .toArray();
  const buckets = new Map(
    bucketStarts(from, to, granularity).map((start) => [
      start.getTime(),
      { start, opens: 0, clicks: 0, conversions: 0 },
    ]),
  );
  for (const { _id, events } of rows) {
    const bucket = buckets.get(Number(_id.start));
    if (!bucket) continue;
    if (_id.type === 'OPEN') bucket.opens += events;
    else if (_id.type === 'CLICK') bucket.clicks += events;
    else bucket.conversions += events;
  }
  return [...buckets.values()];
}
