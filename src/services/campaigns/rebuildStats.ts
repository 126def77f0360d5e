import type { AnyBulkWriteOperation, Db, Document } from '../../datasources/store';
import { setImmediate } from 'node:timers/promises';
import { campaignEventHorizon, daysOfEvents, expireCampaignEvents } from './campaignEventExpiry';
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

const widen = (span: { first: Date; last: Date } | undefined, group: EngagementGroup) => ({
  first: span && span.first < group.first ? span.first : group.first,
  last: span && span.last > group.last ? span.last : group.last,
});

/**
 * Recomputes one campaign's figures from its events: the recipients' flags and clicked links
 * (set where the events say so), the totals and the days of the series, replacing what was
 * kept. Run while no event of the campaign is being stored (CampaignEventRecorder.exclusive).
 * The recipients sent are recounted from their statuses: a batch a send marks while that runs
 * may be left out (rebuild again once the send ended). Once its events were expired, the days
 * before the horizon stay as they were kept (an unfinished expiry is completed first) and the
 * totals add them to the events kept.
 */
export async function rebuildCampaignStats(db: Db, campaignId: string): Promise<CampaignStatsDoc> {
  const horizon = await campaignEventHorizon(db, campaignId);
  if (horizon) await expireCampaignEvents(db, campaignId, horizon, { size: 1000, between: () => setImmediate() });
  const live = horizon ? { campaignId, occurredAt: { $gte: horizon } } : { campaignId };
  const groups = await db
    .collection(C.events)
    .aggregate<EngagementGroup>([
      { $match: live },
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
  const expiredDays = horizon ? await addExpiredDays(db, campaignId, horizon, totals) : 0;
  await repairRecipients(db, engagement);
  await countRecipients(db, campaignId, totals);
  const kept = db.collection<CampaignStatsDoc>(STATS_COLLECTIONS.totals);
  // a campaign no one engaged with has only its sent count, as when its figures are kept by the writes
  const engaged = groups.length > 0 || expiredDays > 0;
  if (engaged || totals.uniqueOpens + totals.uniqueClicks + totals.conversions > 0) {
    await kept.replaceOne({ _id: campaignId }, totals, { upsert: true });
  } else if (totals.sent) {
    await kept.replaceOne({ _id: campaignId }, { _id: campaignId, sent: totals.sent } as CampaignStatsDoc, {
      upsert: true,
    });
  } else {
    await kept.deleteOne({ _id: campaignId });
  }
  await rebuildDays(db, campaignId, horizon);
  return totals;
}

/** Adds to the totals the event counts of the kept days before the horizon; answers how many days. */
async function addExpiredDays(db: Db, campaignId: string, horizon: Date, totals: CampaignStatsDoc): Promise<number> {
  const days = await db
    .collection<CampaignStatsDayDoc>(STATS_COLLECTIONS.days)
    .find({ _id: { $gt: `${campaignId}:`, $lt: statsDayId(campaignId, horizon) } })
    .toArray();
  for (const day of days) {
    // the writes set a count only once it is not zero
    totals.opens += day.opens ?? 0;
    totals.clicks += day.clicks ?? 0;
    totals.conversionEvents += day.conversions ?? 0;
    totals.conversionValue += day.conversionValue ?? 0;
    for (const [index, clicks] of Object.entries(day.links ?? {})) {
      const link = (totals.links[index] ??= { clicks: 0, uniqueClickers: 0 });
      link.clicks += clicks;
    }
  }
  return days.length;
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
    const update: Document = { $set, $min, $max };
    // added to, not replaced: links clicked in events since expired stay
    if (recipient.links.size > 0)
      update.$addToSet = { clickedLinks: { $each: [...recipient.links].sort((a, b) => a - b) } };
    updates.push({ updateOne: { filter: { _id }, update } });
  }
  for (let i = 0; i < updates.length; i += 1000) {
    await db.collection<RecipientDoc>(C.recipients).bulkWrite(updates.slice(i, i + 1000), { ordered: false });
  }
}

/** The unique counts follow the recipients' flags, as the kept figures do; sent, their status. */
async function countRecipients(db: Db, campaignId: string, totals: CampaignStatsDoc): Promise<void> {
  const recipients = db.collection<RecipientDoc>(C.recipients);
  totals.sent = await recipients.countDocuments({ campaignId, status: 'SENT' });
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

/** Replaces the campaign's days (from the horizon on, if any) with its events counted by UTC hour. */
async function rebuildDays(db: Db, campaignId: string, horizon: Date | null): Promise<void> {
  const days = await daysOfEvents(
    db,
    campaignId,
    horizon ? { campaignId, occurredAt: { $gte: horizon } } : { campaignId },
  );
  const collection = db.collection<CampaignStatsDayDoc>(STATS_COLLECTIONS.days);
  const first = horizon ? statsDayId(campaignId, horizon) : `${campaignId}:`;
  await collection.deleteMany({ _id: { $gte: first, $lt: `${campaignId};` } });
  if (days.length > 0) await collection.insertMany(days);
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
