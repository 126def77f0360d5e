import type { AnyBulkWriteOperation, Db } from '../../datasources/store';
import { C, type CampaignDoc, type CampaignEventType, type RecipientDoc } from './model';
import { STATS_COLLECTIONS, statsDayId, type CampaignStatsDayDoc, type CampaignStatsDoc } from './statsRollup';

interface EngagementGroup {
  _id: { type: CampaignEventType; recipientId: string; linkIndex: number | null };
  events: number;
  value: number;
  first: Date;
  last: Date;
}

interface RecipientEngagement {
  opened?: { first: Date; last: Date };
  clicked?: { first: Date; last: Date };
  converted?: { first: Date; last: Date };
  links: Set<number>;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

const widen = (span: { first: Date; last: Date } | undefined, group: EngagementGroup) => ({
  first: span && span.first < group.first ? span.first : group.first,
  last: span && span.last > group.last ? span.last : group.last,
});

/**
 * Recomputes one campaign's figures from its events: the recipients' flags and clicked links
 * (set where the events say so), the totals and the days of the series, replacing what was
 * kept. Run while no event of the campaign is being stored (CampaignEventRecorder.exclusive).
 */
export async function rebuildCampaignStats(db: Db, campaignId: string): Promise<CampaignStatsDoc> {
  const groups = await db
    .collection(C.events)
    .aggregate<EngagementGroup>([
      { $match: { campaignId } },
      {
        $group: {
          _id: { type: '$type', recipientId: '$recipientId', linkIndex: '$linkIndex' },
          events: { $sum: 1 },
          value: { $sum: { $ifNull: ['$value', 0] } },
          first: { $min: '$occurredAt' },
          last: { $max: '$occurredAt' },
        },
      },
    ])
    .toArray();
  const totals: CampaignStatsDoc = {
    _id: campaignId,
    opens: 0,
    clicks: 0,
    conversionEvents: 0,
    conversionValue: 0,
    uniqueOpens: 0,
    uniqueClicks: 0,
    conversions: 0,
    links: {},
  };
  const engagement = new Map<string, RecipientEngagement>();
  for (const group of groups) {
    const { type, recipientId, linkIndex } = group._id;
    const recipient = engagement.get(recipientId) ?? { links: new Set<number>() };
    engagement.set(recipientId, recipient);
    if (type === 'CONVERSION') {
      totals.conversionEvents += group.events;
      totals.conversionValue += group.value;
      recipient.converted = widen(recipient.converted, group);
      continue;
    }
    recipient.opened = widen(recipient.opened, group);
    if (type === 'OPEN') {
      totals.opens += group.events;
      continue;
    }
    totals.clicks += group.events;
    recipient.clicked = widen(recipient.clicked, group);
    recipient.links.add(linkIndex ?? -1);
    const link = (totals.links[String(linkIndex ?? -1)] ??= { clicks: 0, uniqueClickers: 0 });
    link.clicks += group.events;
  }
  await repairRecipients(db, engagement);
  await countRecipients(db, campaignId, totals);
  const kept = db.collection<CampaignStatsDoc>(STATS_COLLECTIONS.totals);
  // a campaign no one engaged with has no figures, as when they are kept by the writes
  if (groups.length === 0 && totals.uniqueOpens + totals.uniqueClicks + totals.conversions === 0) {
    await kept.deleteOne({ _id: campaignId });
  } else {
    await kept.replaceOne({ _id: campaignId }, totals, { upsert: true });
  }
  await rebuildDays(db, campaignId);
  return totals;
}

/** Sets the flags, first and last times and clicked links the events give each recipient. */
async function repairRecipients(db: Db, engagement: Map<string, RecipientEngagement>): Promise<void> {
  const updates: AnyBulkWriteOperation<RecipientDoc>[] = [];
  for (const [_id, recipient] of engagement) {
    const $set: Record<string, unknown> = {};
    const $min: Record<string, Date> = {};
    const $max: Record<string, Date> = {};
    for (const [flag, first, last] of [
      ['opened', 'firstOpenedAt', 'lastOpenedAt'],
      ['clicked', 'firstClickedAt', 'lastClickedAt'],
      ['converted', 'firstConvertedAt', 'lastConvertedAt'],
    ] as const) {
      const span = recipient[flag];
      if (!span) continue;
      $set[flag] = true;
      $min[first] = span.first;
      $max[last] = span.last;
    }
    if (recipient.links.size > 0) $set.clickedLinks = [...recipient.links].sort((a, b) => a - b);
    updates.push({ updateOne: { filter: { _id }, update: { $set, $min, $max } } });
  }
  for (let i = 0; i < updates.length; i += 1000) {
    await db.collection<RecipientDoc>(C.recipients).bulkWrite(updates.slice(i, i + 1000), { ordered: false });
  }
}

/** The unique counts follow the recipients' flags, as the kept figures do. */
async function countRecipients(db: Db, campaignId: string, totals: CampaignStatsDoc): Promise<void> {
  const recipients = db.collection<RecipientDoc>(C.recipients);
  const [flags] = await recipients
    .aggregate<{ opened: number; clicked: number; converted: number }>([
      { $match: { campaignId } },
      {
        $group: {
          _id: null,
          opened: { $sum: { $cond: ['$opened', 1, 0] } },
          clicked: { $sum: { $cond: ['$clicked', 1, 0] } },
          converted: { $sum: { $cond: ['$converted', 1, 0] } },
        },
      },
    ])
    .toArray();
  totals.uniqueOpens = flags?.opened ?? 0;
  totals.uniqueClicks = flags?.clicked ?? 0;
  totals.conversions = flags?.converted ?? 0;
  const clickers = await recipients
    .aggregate<{ _id: number; count: number }>([
      { $match: { campaignId, clickedLinks: { $exists: true } } },
      { $unwind: '$clickedLinks' },
      { $group: { _id: '$clickedLinks', count: { $sum: 1 } } },
    ])
    .toArray();
  for (const { _id, count } of clickers) {
    const link = (totals.links[String(_id)] ??= { clicks: 0, uniqueClickers: 0 });
    link.uniqueClickers = count;
  }
}

/** Replaces the campaign's days with the events counted by UTC hour. */
async function rebuildDays(db: Db, campaignId: string): Promise<void> {
  const rows = await db
    .collection(C.events)
    .aggregate<{ _id: { type: CampaignEventType; hour: number }; events: number }>([
      { $match: { campaignId } },
      {
        $group: {
          _id: {
            type: '$type',
            hour: { $subtract: [{ $toLong: '$occurredAt' }, { $mod: [{ $toLong: '$occurredAt' }, HOUR_MS] }] },
          },
          events: { $sum: 1 },
        },
      },
    ])
    .toArray();
  const days = new Map<string, CampaignStatsDayDoc>();
  for (const { _id, events } of rows) {
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
  }
  const collection = db.collection<CampaignStatsDayDoc>(STATS_COLLECTIONS.days);
  await collection.deleteMany({ _id: { $gt: `${campaignId}:`, $lt: `${campaignId};` } });
  if (days.size > 0) await collection.insertMany([...days.values()]);
}

/** Every campaign's id, for a rebuild of all of them. */
async function campaignIds(db: Db): Promise<string[]> {
  const campaigns = await db
    .collection<CampaignDoc>(C.campaigns)
    .find({}, { projection: { _id: 1 } })
    .toArray();
  return campaigns.map((campaign) => campaign._id);
}

/**
 * Rebuilds every campaign's figures, each while the recorder stores no event (tracking requests
 * wait for one campaign at a time, not for the whole rebuild).
 */
export async function rebuildAllCampaignStats(
  db: Db,
  recorder: { exclusive<T>(task: () => Promise<T>): Promise<T> },
): Promise<{ campaigns: number }> {
  const ids = await campaignIds(db);
  for (const id of ids) await recorder.exclusive(() => rebuildCampaignStats(db, id));
  return { campaigns: ids.length };
}
