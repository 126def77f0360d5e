import type { AnyBulkWriteOperation, Db, Document } from '../../datasources/store';
import { KeyedLock } from '../keyedLock';
import { startOfDay } from './dateRange';
import { entrySums } from './entrySums';
import { PERFORMANCE_ENTRIES, type PendingEntry } from './performanceEntry';

export const PERFORMANCE_ROLLUPS = 'performance_rollups';

/** How a figure splits the entries: not at all, or by campaign, publication or channel. */
export type RollupDimension = 'all' | 'campaign' | 'publication' | 'channel';

export interface EntrySums {
  entries: number;
  impressions: number;
  clicks: number;
  viewableImpressions: number;
  reach: number;
}

const SUM_FIELDS = ['entries', 'impressions', 'clicks', 'viewableImpressions', 'reach'] as const;

/**
 * The sums of the performance entries that start at `at` (their dateStart: midnight for every
 * synced entry): all of them (`dim` 'all'), or those of one campaign, publication or channel.
 */
export interface PerformanceRollupDoc extends EntrySums {
  _id: string;
  dim: RollupDimension;
  value: string | number | null;
  at: Date;
}

const dimensionFields: Record<Exclude<RollupDimension, 'all'>, 'campaignId' | 'publicationId' | 'channel'> = {
  campaign: 'campaignId',
  publication: 'publicationId',
  channel: 'channel',
};

export const monthStart = (at: Date) => new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1));
const DAY_MS = 86_400_000;

/** Starts with the start's ISO time: a day's figures are one _id range. */
const rollupId = (dim: RollupDimension, value: unknown, at: Date) =>
  `${at.toISOString()}|${dim}|${JSON.stringify(value ?? null)}`;

function emptySums(): EntrySums {
  return { entries: 0, impressions: 0, clicks: 0, viewableImpressions: 0, reach: 0 };
}

export function addSums(into: EntrySums, sums: EntrySums): void {
  for (const field of SUM_FIELDS) into[field] += sums[field];
}

/** The value an entry has in each dimension ('all': one value for every entry). */
function placesOf(values: Record<'campaignId' | 'publicationId' | 'channel', unknown>): [RollupDimension, unknown][] {
  return [
    ['all', null],
    ...Object.entries(dimensionFields).map(([dim, field]): [RollupDimension, unknown] => [
      dim as RollupDimension,
      values[field] ?? null,
    ]),
  ];
}

/** What one entry adds to the figures: its sums, at its start, under its campaign, publication and channel. */
export interface EntryFigure {
  at: Date;
  values: Record<'campaignId' | 'publicationId' | 'channel', unknown>;
  sums: EntrySums;
}

/**
 * $round(x, 0) as the store's summary computes it for entries without viewableImpressions: half
 * rounds to the even neighbour (mingo's reading of the tenths, as the embedded store runs it).
 */
function roundHalfEven(value: number): number {
  const sign = value < 0 ? -1 : 1;
  const magnitude = Math.abs(value);
  let whole = Math.trunc(magnitude);
  const tenth = Math.trunc(10 * parseFloat((magnitude - whole).toFixed(1)));
  if (((whole & 1) === 1 && tenth >= 5) || tenth > 5) whole += 1;
  return sign * whole;
}

/** A stored entry's figure, its viewable impressions as the summary reads them (entrySums.ts). */
export function storedFigure(doc: Document): EntryFigure {
  const metrics = (doc.metrics ?? {}) as Record<string, number | undefined>;
  const impressions = metrics.impressions ?? 0;
  const viewable = metrics.viewableImpressions ?? roundHalfEven(((metrics.viewability ?? 0) * impressions) / 100);
  return {
    at: doc.dateStart as Date,
    values: { campaignId: doc.campaignId, publicationId: doc.publicationId, channel: doc.channel },
    sums: {
      entries: 1,
      impressions,
      clicks: metrics.clicks ?? 0,
      viewableImpressions: viewable,
      reach: metrics.reach ?? 0,
    },
  };
}

/** A pending entry's figure as the sync writes it (computeMetrics: its sums are the counts). */
export function pendingFigure(entry: PendingEntry): EntryFigure {
  const { campaignId, publicationId, channel } = entry.match;
  const { impressions, clicks, viewableImpressions, uniqueIps } = entry.counts;
  return {
    at: startOfDay(entry.reportDate),
    values: { campaignId, publicationId, channel },
    sums: { entries: 1, impressions, clicks, viewableImpressions, reach: uniqueIps },
  };
}

/**
 * The figures' updates for entries changing from `before` (absent: a new entry) to `after`:
 * their differences added to the figures of each one's start, overall and per campaign,
 * publication and channel. One upsert per figure touched, $inc and $set only (the store's fast
 * path).
 */
export function figureChanges(
  changes: readonly { before?: EntryFigure; after: EntryFigure }[],
): AnyBulkWriteOperation<PerformanceRollupDoc>[] {
  const deltas = new Map<string, PerformanceRollupDoc>();
  const add = (figure: EntryFigure, sign: 1 | -1, dim: RollupDimension, value: unknown) => {
    const key = `${figure.at.getTime()}\u0000${dim}\u0000${typeof value}\u0000${String(value)}`;
    let delta = deltas.get(key);
    if (!delta) {
      const place = { dim, value: (value ?? null) as PerformanceRollupDoc['value'], at: figure.at };
      delta = { _id: rollupId(dim, value, figure.at), ...place, ...emptySums() };
      deltas.set(key, delta);
    }
    const { sums } = figure;
    delta.entries += sign * sums.entries;
    delta.impressions += sign * sums.impressions;
    delta.clicks += sign * sums.clicks;
    delta.viewableImpressions += sign * sums.viewableImpressions;
    delta.reach += sign * sums.reach;
  };
  const apply = (figure: EntryFigure, sign: 1 | -1) => {
    const { campaignId, publicationId, channel } = figure.values;
    add(figure, sign, 'all', null);
    add(figure, sign, 'campaign', campaignId ?? null);
    add(figure, sign, 'publication', publicationId ?? null);
    add(figure, sign, 'channel', channel ?? null);
  };
  for (const { before, after } of changes) {
    if (before) apply(before, -1);
    apply(after, 1);
  }
  const operations: AnyBulkWriteOperation<PerformanceRollupDoc>[] = [];
  for (const { _id, dim, value, at, ...sums } of deltas.values()) {
    if (SUM_FIELDS.every((field) => sums[field] === 0)) continue;
    operations.push({ updateOne: { filter: { _id }, update: { $inc: sums, $set: { dim, value, at } }, upsert: true } });
  }
  return operations;
}

/**
 * The performance figures kept beside the entries: sums per entry start, overall and per
 * campaign, publication and channel. A sync's flush changes them by what it changes in the
 * entries, in the same commit as its writes (figureChanges, from the entries stored before),
 * while no other flush of its days runs in this process; a day whose writes failed or raced
 * another run's is recomputed from its entries. Entries other applications write directly count
 * from `stats rebuild`.
 */
export class PerformanceRollups {
  private readonly days = new KeyedLock();

  constructor(private readonly db: Db) {}

  /** Issues the figures' updates for entry changes (in the caller's turn: the entries' commit). */
  change(changes: readonly { before?: EntryFigure; after: EntryFigure }[]): Promise<unknown>[] {
    const operations = figureChanges(changes);
    if (operations.length === 0) return [];
    return [this.db.collection<PerformanceRollupDoc>(PERFORMANCE_ROLLUPS).bulkWrite(operations, { ordered: false })];
  }

  /** Runs `task` as the only writer of these days' entries in this process. */
  async exclusive<T>(days: readonly string[], task: () => Promise<T>): Promise<T> {
    const [day, ...rest] = [...new Set(days)].sort();
    if (day === undefined) return task();
    return this.days.run(day, () => this.exclusive(rest, task));
  }

  /**
   * Recomputes the figures of these UTC days (YYYY-MM-DD) from their entries. The caller is the
   * days' writer (exclusive), or nothing else writes.
   */
  async recompute(days: Iterable<string>): Promise<void> {
    for (const day of new Set(days)) await this.recomputeDay(new Date(`${day}T00:00:00.000Z`));
  }

  /** Recomputes every figure from the entries: each day that has entries. */
  async rebuild(): Promise<number> {
    const starts = await this.db
      .collection(PERFORMANCE_ENTRIES)
      .aggregate<{ _id: Date }>([{ $group: { _id: { $dateTrunc: { date: '$dateStart', unit: 'day' } } } }])
      .toArray();
    const days = starts.filter(({ _id }) => _id instanceof Date).map(({ _id }) => _id.toISOString().slice(0, 10));
    await this.db.collection<PerformanceRollupDoc>(PERFORMANCE_ROLLUPS).deleteMany({});
    await this.exclusive(days, () => this.recompute(days.sort()));
    return days.length;
  }

  private async recomputeDay(day: Date): Promise<void> {
    const next = new Date(day.getTime() + DAY_MS);
    const rows = await this.db
      .collection(PERFORMANCE_ENTRIES)
      .aggregate<{ _id: { at: Date; campaignId: unknown; publicationId: unknown; channel: unknown } } & EntrySums>([
        { $match: { dateStart: { $gte: day, $lt: next } } },
        {
          $group: {
            _id: { at: '$dateStart', campaignId: '$campaignId', publicationId: '$publicationId', channel: '$channel' },
            ...entrySums,
          },
        },
      ])
      .toArray();
    const docs = new Map<string, PerformanceRollupDoc>();
    for (const { _id: group, ...sums } of rows) {
      for (const [dim, value] of placesOf(group)) {
        const _id = rollupId(dim, value, group.at);
        const place = { dim, value: (value ?? null) as PerformanceRollupDoc['value'], at: group.at };
        const doc = docs.get(_id) ?? { _id, ...place, ...emptySums() };
        addSums(doc, sums);
        docs.set(_id, doc);
      }
    }
    const operations: AnyBulkWriteOperation<PerformanceRollupDoc>[] = [
      { deleteMany: { filter: { _id: { $gte: day.toISOString(), $lt: next.toISOString() } } } },
      ...[...docs.values()].map((document) => ({ insertOne: { document } })),
    ];
    // the day's old figures go and its new ones come in one commit on the embedded store
    await this.db.collection<PerformanceRollupDoc>(PERFORMANCE_ROLLUPS).bulkWrite(operations, { ordered: true });
  }
}
