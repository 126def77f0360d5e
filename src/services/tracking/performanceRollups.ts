import type { AnyBulkWriteOperation, Db } from '../../datasources/store';
import { KeyedLock } from '../keyedLock';
import { PERFORMANCE_ENTRIES } from './performanceEntry';
import { entrySums } from './entrySums';

export const PERFORMANCE_ROLLUPS = 'performance_rollups';

/** Which entries a figure sums: all of a period's, or those of one campaign, publication or channel. */
export type RollupDimension = 'all' | 'campaign' | 'publication' | 'channel';

export interface EntrySums {
  entries: number;
  impressions: number;
  clicks: number;
  viewableImpressions: number;
  reach: number;
}

/**
 * The sums of the performance entries of one period and dimension value. `day` figures are
 * per entry start (`at` is the entries' dateStart, midnight for every synced entry), `month`
 * figures per UTC month (`at` is its first day).
 */
export interface PerformanceRollupDoc extends EntrySums {
  _id: string;
  level: 'day' | 'month';
  dim: RollupDimension;
  value: string | number | null;
  at: Date;
}

const DAY_MS = 86_400_000;
const dimensionFields: Record<Exclude<RollupDimension, 'all'>, 'campaignId' | 'publicationId' | 'channel'> = {
  campaign: 'campaignId',
  publication: 'publicationId',
  channel: 'channel',
};

export const monthStart = (at: Date) => new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1));
const rollupId = (level: string, dim: RollupDimension, value: unknown, at: Date) =>
  `${level}|${dim}|${JSON.stringify(value ?? null)}|${at.toISOString()}`;

function emptySums(): EntrySums {
  return { entries: 0, impressions: 0, clicks: 0, viewableImpressions: 0, reach: 0 };
}

export function addSums(into: EntrySums, sums: EntrySums): void {
  into.entries += sums.entries;
  into.impressions += sums.impressions;
  into.clicks += sums.clicks;
  into.viewableImpressions += sums.viewableImpressions;
  into.reach += sums.reach;
}

/** Figures of one level folded per (dimension, value, period), from rows that carry all three values. */
function fold(
  level: PerformanceRollupDoc['level'],
  rows: Iterable<{ at: Date; values: Record<'campaignId' | 'publicationId' | 'channel', unknown>; sums: EntrySums }>,
): PerformanceRollupDoc[] {
  const docs = new Map<string, PerformanceRollupDoc>();
  for (const { at, values, sums } of rows) {
    const places: [RollupDimension, unknown][] = [
      ['all', null],
      ...Object.entries(dimensionFields).map(([dim, field]): [RollupDimension, unknown] => [
        dim as RollupDimension,
        values[field] ?? null,
      ]),
    ];
    for (const [dim, value] of places) {
      const _id = rollupId(level, dim, value, at);
      let doc = docs.get(_id);
      if (!doc) {
        doc = { _id, level, dim, value: (value ?? null) as PerformanceRollupDoc['value'], at, ...emptySums() };
        docs.set(_id, doc);
      }
      addSums(doc, sums);
    }
  }
  return [...docs.values()];
}

/**
 * The performance figures kept beside the entries: sums per entry start and per month, overall
 * and per campaign, publication and channel. A day's figures are recomputed from its entries
 * whenever a sync wrote them (then its month's from its days), so they are exact however often
 * a day is synced again; entries other applications write directly count from the next sync of
 * their day, or `stats rebuild`. Recomputations of one day take turns in this process.
 */
export class PerformanceRollups {
  private readonly days = new KeyedLock();

  constructor(private readonly db: Db) {}

  /** Recomputes the figures of these UTC days (YYYY-MM-DD), then of their months. */
  async recompute(days: Iterable<string>): Promise<void> {
    const months = new Set<string>();
    for (const day of new Set(days)) {
      await this.days.run(day, () => this.recomputeDay(new Date(`${day}T00:00:00.000Z`)));
      months.add(day.slice(0, 7));
    }
    for (const month of months) {
      await this.days.run(`month ${month}`, () => this.recomputeMonth(new Date(`${month}-01T00:00:00.000Z`)));
    }
  }

  /** Recomputes every figure from the entries: the days that have entries, then their months. */
  async rebuild(): Promise<number> {
    const starts = await this.db
      .collection(PERFORMANCE_ENTRIES)
      .aggregate<{ _id: Date }>([{ $group: { _id: { $dateTrunc: { date: '$dateStart', unit: 'day' } } } }])
      .toArray();
    const days = starts.filter(({ _id }) => _id instanceof Date).map(({ _id }) => _id.toISOString().slice(0, 10));
    await this.db.collection<PerformanceRollupDoc>(PERFORMANCE_ROLLUPS).deleteMany({});
    await this.recompute(days.sort());
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
    const docs = fold(
      'day',
      rows.map(({ _id, ...sums }) => ({ at: _id.at, values: _id, sums })),
    );
    await this.replace({ level: 'day', at: { $gte: day, $lt: next } }, docs);
  }

  private async recomputeMonth(month: Date): Promise<void> {
    const next = new Date(Date.UTC(month.getUTCFullYear(), month.getUTCMonth() + 1, 1));
    const days = await this.db
      .collection<PerformanceRollupDoc>(PERFORMANCE_ROLLUPS)
      .find({ level: 'day', at: { $gte: month, $lt: next } })
      .toArray();
    const docs = new Map<string, PerformanceRollupDoc>();
    for (const day of days) {
      const _id = rollupId('month', day.dim, day.value, month);
      let doc = docs.get(_id);
      if (!doc) {
        doc = { _id, level: 'month', dim: day.dim, value: day.value, at: month, ...emptySums() };
        docs.set(_id, doc);
      }
      addSums(doc, day);
    }
    await this.replace({ level: 'month', at: month }, [...docs.values()]);
  }

  /** Replaces the figures matching `filter` by `docs`: both writes in one commit on the embedded store. */
  private async replace(filter: object, docs: PerformanceRollupDoc[]): Promise<void> {
    const operations: AnyBulkWriteOperation<PerformanceRollupDoc>[] = [
      { deleteMany: { filter } },
      ...docs.map((document) => ({ insertOne: { document } })),
    ];
    await this.db.collection<PerformanceRollupDoc>(PERFORMANCE_ROLLUPS).bulkWrite(operations, { ordered: true });
  }
}
