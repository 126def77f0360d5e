import type { AnyBulkWriteOperation, Db, Document } from '../../datasources/store';
import { badInput } from '../../errors';
import { C, type CampaignEventDoc, type CampaignEventType } from './model';
import { STATS_COLLECTIONS, statsDayId, type CampaignStatsDayDoc } from './statsRollup';

/** Per campaign, the UTC day before which its events were expired. */
export const CAMPAIGN_EVENT_HORIZONS = 'campaign_event_horizons';

export interface CampaignEventHorizonDoc {
  _id: string;
  expiredBefore: Date;
}

/** How an expiry deletes: bounded batches, with a pause between them (retention's policy). */
export interface ExpiryBatches {
  size: number;
  between(): Promise<void>;
  signal?: AbortSignal;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** The UTC day an instant is in: campaign days are UTC days (statsRollup.ts). */
export const utcDayOf = (at: Date) => new Date(Math.floor(at.getTime() / DAY_MS) * DAY_MS);

/** The day before which a campaign's events were expired; null: none were. */
export async function campaignEventHorizon(db: Db, campaignId: string): Promise<Date | null> {
  const horizon = await db.collection<CampaignEventHorizonDoc>(CAMPAIGN_EVENT_HORIZONS).findOne({ _id: campaignId });
  return horizon?.expiredBefore ?? null;
}

/** When the campaign's oldest event occurred (its (campaignId, occurredAt) index), or null. */
export async function oldestCampaignEvent(db: Db, campaignId: string): Promise<Date | null> {
  const oldest = await db
    .collection<CampaignEventDoc>(C.events)
    .findOne({ campaignId }, { sort: { campaignId: 1, occurredAt: 1 }, projection: { _id: 0, occurredAt: 1 } });
  return oldest?.occurredAt ?? null;
}

interface HourGroup {
  _id: { type: CampaignEventType; hour: number; linkIndex: number | null };
  events: number;
  value: number;
}

function add(counts: Record<string, number>, field: string, by: number): void {
  if (by !== 0) counts[field] = (counts[field] ?? 0) + by;
}

/**
 * The days of a campaign's events matching `match`, counted as the writes count them
 * (statsRollup.ts): per day and UTC hour, with the conversions' value and clicks per link.
 */
export async function daysOfEvents(db: Db, campaignId: string, match: Document): Promise<CampaignStatsDayDoc[]> {
  const rows = await db
    .collection(C.events)
    .aggregate<HourGroup>([
      { $match: match },
      {
        $group: {
          _id: {
            type: '$type',
            hour: { $subtract: [{ $toLong: '$occurredAt' }, { $mod: [{ $toLong: '$occurredAt' }, HOUR_MS] }] },
            linkIndex: '$linkIndex',
          },
          events: { $sum: 1 },
          value: { $sum: { $ifNull: ['$value', 0] } },
        },
      },
    ])
    .toArray();
  const days = new Map<string, CampaignStatsDayDoc>();
  for (const { _id, events, value } of rows) {
    const hourStart = Number(_id.hour);
    const day = new Date(Math.floor(hourStart / DAY_MS) * DAY_MS);
    const id = statsDayId(campaignId, day);
    const doc = days.get(id) ?? { _id: id, campaignId, day, opens: 0, clicks: 0, conversions: 0, hours: {} };
    days.set(id, doc);
    const field = _id.type === 'OPEN' ? 'opens' : _id.type === 'CLICK' ? 'clicks' : 'conversions';
    const hour = String(new Date(hourStart).getUTCHours()).padStart(2, '0');
    const counts = (doc.hours[hour] ??= { opens: 0, clicks: 0, conversions: 0 });
    counts[field] += events;
    doc[field] += events;
    if (_id.type === 'CONVERSION' && value !== 0) doc.conversionValue = (doc.conversionValue ?? 0) + value;
    if (_id.type === 'CLICK') add((doc.links ??= {}), String(_id.linkIndex ?? -1), events);
  }
  return [...days.values()];
}

/**
 * Makes sure the kept days hold every event about to be expired: each figure of a day is raised
 * to what its events count ($max: a day counted by the writes already holds them, and one kept
 * before days held values and links gains them). Safe to repeat, and beside concurrent writes.
 */
async function sealDays(db: Db, campaignId: string, before: Date): Promise<void> {
  const days = await daysOfEvents(db, campaignId, { campaignId, occurredAt: { $lt: before } });
  if (days.length === 0) return;
  const operations = days.map((day): AnyBulkWriteOperation<CampaignStatsDayDoc> => {
    // the fields the writes keep, which they set only once they count something
    const $max: Record<string, number> = {};
    add($max, 'opens', day.opens);
    add($max, 'clicks', day.clicks);
    add($max, 'conversions', day.conversions);
    for (const [hour, counts] of Object.entries(day.hours)) {
      for (const [field, value] of Object.entries(counts)) add($max, `hours.${hour}.${field}`, value);
    }
    add($max, 'conversionValue', day.conversionValue ?? 0);
    for (const [link, clicks] of Object.entries(day.links ?? {})) add($max, `links.${link}`, clicks);
    return {
      updateOne: {
        filter: { _id: day._id },
        update: { $max, $setOnInsert: { campaignId, day: day.day } },
        upsert: true,
      },
    };
  });
  await db.collection<CampaignStatsDayDoc>(STATS_COLLECTIONS.days).bulkWrite(operations, { ordered: false });
}

/**
 * Expires a campaign's events of the UTC days before `before` (a day's start): the horizon is
 * recorded first (analytics over a range then refuse to start before it, and a rebuild keeps
 * the days before it), the days the events fall in are sealed, then the events are deleted in
 * batches. The recipients' flags, from which unique counts come, stay. Answers the deletes.
 */
export async function expireCampaignEvents(
  db: Db,
  campaignId: string,
  before: Date,
  batches: ExpiryBatches,
): Promise<number> {
  await db
    .collection<CampaignEventHorizonDoc>(CAMPAIGN_EVENT_HORIZONS)
    .updateOne({ _id: campaignId }, { $max: { expiredBefore: before } }, { upsert: true });
  await sealDays(db, campaignId, before);
  const events = db.collection<CampaignEventDoc>(C.events);
  const expired = { campaignId, occurredAt: { $lt: before } };
  let deleted = 0;
  for (;;) {
    batches.signal?.throwIfAborted();
    const batch = await events.find(expired, { projection: { _id: 1 }, limit: batches.size }).toArray();
    if (batch.length === 0) return deleted;
    const result = await events.deleteMany({ ...expired, _id: { $in: batch.map((event) => event._id) } });
    deleted += result.deletedCount;
    if (batch.length < batches.size) return deleted;
    await batches.between();
  }
}

/** Analytics over a range are computed from the events: the range must start at the horizon or later. */
export async function assertCampaignEventsRetained(db: Db, campaignId: string, from: Date): Promise<void> {
  const horizon = await campaignEventHorizon(db, campaignId);
  if (!horizon || from.getTime() >= horizon.getTime()) return;
  throw badInput(
    `range.from: this campaign's events before ${horizon.toISOString()} are past retention; analytics over a ` +
      'range start then or later (without a range they cover every day, from the figures kept)',
    'range.from',
  );
}
