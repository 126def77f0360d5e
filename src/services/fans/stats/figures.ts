import type { Collection, Db } from '../../../datasources/store';
import { CODES, FAN_ENTRIES, type AdminStatsDoc, type CodeDoc, type CountBy, type FanEntryDoc } from '../model';

/** What a stats snapshot holds besides its identity. */
export type StatsFigures = Omit<AdminStatsDoc, '_id' | 'campaignId' | 'at'>;

/** The key of entries without a first preference, and of dropped entries without a reason. */
export const NO_MARKET = '(none)';
export const NO_REASON = '(unspecified)';

const DAY_MS = 86_400_000;

/**
 * A campaign's figures from grouped aggregations and index-range counts: no entry is read into
 * this process. The groups are `$group` on one top-level field with `$sum` (the embedded engine
 * folds those as documents stream; MongoDB groups server-side); the rest are countDocuments on
 * the (campaignId, market, score), (campaignId, verdict), (campaignId, registeredAt) and
 * (campaignId, state) indexes.
 */
export async function campaignFigures(db: Db, campaignId: string): Promise<StatsFigures> {
  const entries = db.collection<FanEntryDoc>(FAN_ENTRIES);
  const codes = db.collection<CodeDoc>(CODES);
  const perMarket = await groupCount(entries, { campaignId }, 'market', NO_MARKET);
  const [scored, perDay, selected, droppedByReason, available, reserved, assigned] = await Promise.all([
    scoredCount(entries, campaignId, perMarket),
    registrationsPerDay(entries, campaignId),
    entries.countDocuments({ campaignId, verdict: true }),
    groupCount(entries, { campaignId, verdict: false }, 'verdictReason', NO_REASON),
    codes.countDocuments({ campaignId, state: 'AVAILABLE' }),
    codes.countDocuments({ campaignId, state: 'RESERVED' }),
    codes.countDocuments({ campaignId, state: 'ASSIGNED' }),
  ]);
  const sum = (counts: CountBy[]) => counts.reduce((total, { count }) => total + count, 0);
  return {
    registrations: { total: sum(perMarket), perMarket: byKey(perMarket), perDay },
    scored,
    verdicts: { selected, dropped: sum(droppedByReason), droppedByReason: byCountDesc(droppedByReason) },
    codes: { available, reserved, assigned },
  };
}

/** Matching documents counted per value of one top-level field (null or missing: `nullKey`). */
async function groupCount<T extends FanEntryDoc>(
  collection: Collection<T>,
  match: Record<string, unknown>,
  field: keyof T & string,
  nullKey: string,
): Promise<CountBy[]> {
  const groups = await collection
    .aggregate<{ _id: unknown; count: number }>([
      { $match: match },
      { $group: { _id: `$${field}`, count: { $sum: 1 } } },
    ])
    .toArray();
  return groups.map(({ _id, count }) => ({ key: _id === null || _id === undefined ? nullKey : String(_id), count }));
}

/**
 * Scores are in [0, 1], so `score >= 0` is "scored" and, with the market given, a bounded range
 * of the (campaignId, market, score) index: one count per market instead of a scan.
 */
async function scoredCount(entries: Collection<FanEntryDoc>, campaignId: string, perMarket: CountBy[]) {
  const counts = await Promise.all(
    perMarket.map(({ key }) =>
      entries.countDocuments({ campaignId, market: key === NO_MARKET ? null : key, score: { $gte: 0 } }),
    ),
  );
  return counts.reduce((total, count) => total + count, 0);
}

/**
 * Registrations per UTC day of registeredAt, days without any left out. It walks the
 * (campaignId, registeredAt) index: the first registration at or after a day's start names the
 * next day that has any, then one range count per such day.
 */
async function registrationsPerDay(entries: Collection<FanEntryDoc>, campaignId: string): Promise<CountBy[]> {
  const days: CountBy[] = [];
  let from = new Date(0);
  for (;;) {
    const next = await entries.findOne(
      { campaignId, registeredAt: { $gte: from } },
      { sort: { registeredAt: 1 }, projection: { registeredAt: 1 } },
    );
    if (!next) return days;
    const start = new Date(Math.floor(next.registeredAt.getTime() / DAY_MS) * DAY_MS);
    const end = new Date(start.getTime() + DAY_MS);
    const count = await entries.countDocuments({ campaignId, registeredAt: { $gte: start, $lt: end } });
    days.push({ key: start.toISOString().slice(0, 10), count });
    from = end;
  }
}

const byKey = (counts: CountBy[]) => [...counts].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
const byCountDesc = (counts: CountBy[]) =>
  [...counts].sort((a, b) => b.count - a.count || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
