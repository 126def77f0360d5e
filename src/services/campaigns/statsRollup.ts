import type { AnyBulkWriteOperation } from '../../datasources/store';
import type { CampaignEventDoc, RecipientDoc } from './model';

/**
 * A campaign's engagement figures, kept as events are stored: the event counts of every event,
 * the recipients whose flags an event turned on, and per link its clicks and the recipients who
 * first clicked it. `_id` is the campaign id.
 */
export interface CampaignStatsDoc {
  _id: string;
  opens: number;
  clicks: number;
  conversionEvents: number;
  conversionValue: number;
  uniqueOpens: number;
  uniqueClicks: number;
  conversions: number;
  /** By link index ("-1": clicks that named no link). */
  links: Record<string, { clicks: number; uniqueClickers: number }>;
  /**
   * Recipients sent (status SENT), counted in the commit that marks them; absent from totals kept
   * before it was, until a rebuild.
   */
  sent?: number;
}

/** Event counts of one bucket of a campaign's time series. */
export interface BucketCounts {
  opens: number;
  clicks: number;
  conversions: number;
}

/**
 * One UTC day of a campaign's events, with its hours ("00" to "23"); `_id` is
 * `<campaignId>:<YYYY-MM-DD>`. With its conversions' value and clicks per link, the days hold
 * every event total, so the totals of days whose events were expired are kept in them.
 */
export interface CampaignStatsDayDoc extends BucketCounts {
  _id: string;
  campaignId: string;
  day: Date;
  hours: Record<string, BucketCounts>;
  conversionValue?: number;
  /** Clicks by link index ("-1": clicks that named no link). */
  links?: Record<string, number>;
}

export const STATS_COLLECTIONS = { totals: 'campaign_stats', days: 'campaign_stats_days' } as const;
export const statsDayId = (campaignId: string, day: Date) => `${campaignId}:${day.toISOString().slice(0, 10)}`;

/** What a recipient had done before a batch, as the figures' unique counts need it. */
export type RecipientFlags = Pick<RecipientDoc, '_id' | 'opened' | 'clicked' | 'converted' | 'clickedLinks'>;

/** The flags every recipient of a batch ends with, and the links it had clicked. */
interface FlagState {
  opened: boolean;
  clicked: boolean;
  converted: boolean;
  links: Set<number>;
}

interface CampaignDelta {
  counts: Record<string, number>;
  days: Map<string, { day: Date; counts: Record<string, number> }>;
}

const linkKey = (event: Pick<CampaignEventDoc, 'linkIndex'>) => String(event.linkIndex ?? -1);

function bump(counts: Record<string, number>, field: string, by = 1): void {
  if (by !== 0) counts[field] = (counts[field] ?? 0) + by;
}

function deltaOf(deltas: Map<string, CampaignDelta>, campaignId: string): CampaignDelta {
  let delta = deltas.get(campaignId);
  if (!delta) {
    delta = { counts: {}, days: new Map() };
    deltas.set(campaignId, delta);
  }
  return delta;
}

/** Counts a stored event in its campaign's totals and in its day and hour. */
function countEvent(delta: CampaignDelta, event: CampaignEventDoc): void {
  const field = event.type === 'OPEN' ? 'opens' : event.type === 'CLICK' ? 'clicks' : 'conversions';
  if (event.type === 'CONVERSION') {
    bump(delta.counts, 'conversionEvents');
    bump(delta.counts, 'conversionValue', event.value ?? 0);
  } else bump(delta.counts, field);
  if (event.type === 'CLICK') bump(delta.counts, `links.${linkKey(event)}.clicks`);
  const at = event.occurredAt;
  const day = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));
  const id = statsDayId(event.campaignId, day);
  let bucket = delta.days.get(id);
  if (!bucket) {
    bucket = { day, counts: {} };
    delta.days.set(id, bucket);
  }
  bump(bucket.counts, field);
  bump(bucket.counts, `hours.${String(at.getUTCHours()).padStart(2, '0')}.${field}`);
  if (event.type === 'CONVERSION') bump(bucket.counts, 'conversionValue', event.value ?? 0);
  if (event.type === 'CLICK') bump(bucket.counts, `links.${linkKey(event)}`);
}

/** Counts the flags an event turns on for its recipient (a click is an open too). */
function countFlags(delta: CampaignDelta, state: FlagState, event: CampaignEventDoc): void {
  if (event.type === 'CONVERSION') {
    if (!state.converted) bump(delta.counts, 'conversions');
    state.converted = true;
    return;
  }
  if (!state.opened) bump(delta.counts, 'uniqueOpens');
  state.opened = true;
  if (event.type !== 'CLICK') return;
  if (!state.clicked) bump(delta.counts, 'uniqueClicks');
  state.clicked = true;
  const link = event.linkIndex ?? -1;
  if (!state.links.has(link)) bump(delta.counts, `links.${link}.uniqueClickers`);
  state.links.add(link);
}

export interface StatsPlan {
  /** The figures' updates, issued in the same commit as the events and the recipients. */
  totals: AnyBulkWriteOperation<CampaignStatsDoc>[];
  days: AnyBulkWriteOperation<CampaignStatsDayDoc>[];
  /** Per recipient, the links its clicks in this batch add to `clickedLinks`. */
  clickedLinks: Map<string, number[]>;
}

/**
 * The changes a batch makes to the figures, given which of its events are new (`fresh`: the
 * others were stored before and are counted already) and what their recipients had done
 * before it. Unique counts follow the recipients' flags, which every event (new or not) turns
 * on: a flag the batch turns on is counted once, so stored figures and flags always agree. A
 * recipient without a document (none was frozen for it) has no flags, and counts in the event
 * totals only.
 */
export function planStats(
  events: readonly CampaignEventDoc[],
  fresh: ReadonlySet<string>,
  recipients: ReadonlyMap<string, RecipientFlags>,
): StatsPlan {
  const deltas = new Map<string, CampaignDelta>();
  const states = new Map<string, FlagState>();
  const clickedLinks = new Map<string, number[]>();
  const counted = new Set<string>();
  for (const event of events) {
    const delta = deltaOf(deltas, event.campaignId);
    if (fresh.has(event._id) && !counted.has(event._id)) {
      counted.add(event._id);
      countEvent(delta, event);
    }
    const stored = recipients.get(event.recipientId);
    if (!stored) continue;
    let state = states.get(event.recipientId);
    if (!state) {
      state = {
        opened: stored.opened === true,
        clicked: stored.clicked === true,
        converted: stored.converted === true,
        links: new Set(stored.clickedLinks ?? []),
      };
      states.set(event.recipientId, state);
    }
    const linksBefore = state.links.size;
    countFlags(delta, state, event);
    if (state.links.size > linksBefore) {
      clickedLinks.set(event.recipientId, [...(clickedLinks.get(event.recipientId) ?? []), event.linkIndex ?? -1]);
    }
  }
  const totals: AnyBulkWriteOperation<CampaignStatsDoc>[] = [];
  const days: AnyBulkWriteOperation<CampaignStatsDayDoc>[] = [];
  for (const [campaignId, delta] of deltas) {
    if (Object.keys(delta.counts).length > 0) {
      totals.push({ updateOne: { filter: { _id: campaignId }, update: { $inc: delta.counts }, upsert: true } });
    }
    for (const [_id, bucket] of delta.days) {
      days.push({
        updateOne: {
          filter: { _id },
          update: { $inc: bucket.counts, $setOnInsert: { campaignId, day: bucket.day } },
          upsert: true,
        },
      });
    }
  }
  return { totals, days, clickedLinks };
}

/** The recipients' flags a batch's figures are planned from. */
export const recipientFlagsProjection = { opened: 1, clicked: 1, converted: 1, clickedLinks: 1 } as const;
