import { EJSON } from 'bson';
import type { Db, Document } from '../../datasources/store';
import { badInput } from '../../errors';
import type { Loaders } from '../loaders';
import { percentage } from './metrics';
import type { GroupDimension, PerformanceFilter, SummaryRow } from './performanceQueries';
import {
  addSums,
  groupKey,
  monthStart,
  PERFORMANCE_ROLLUPS,
  type EntrySums,
  type PerformanceRollupDoc,
  type RollupDimension,
  type StartFiguresDoc,
} from './performanceRollups';

const attributes: Partial<Record<GroupDimension, [RollupDimension, 'campaignId' | 'publicationId' | 'channel']>> = {
  CAMPAIGN: ['campaign', 'campaignId'],
  PUBLICATION: ['publication', 'publicationId'],
  CHANNEL: ['channel', 'channel'],
};
type Period = 'day' | 'week' | 'month';
const periods: Partial<Record<GroupDimension, Period>> = { DAY: 'day', WEEK: 'week', MONTH: 'month' };

const DAY_MS = 86_400_000;
const dayOf = (at: Date) => new Date(Math.floor(at.getTime() / DAY_MS) * DAY_MS);
/** Monday 00:00 UTC of the week of `at` ($dateTrunc with startOfWeek monday). */
const weekOf = (at: Date) => new Date(dayOf(at).getTime() - ((at.getUTCDay() + 6) % 7) * DAY_MS);
const periodStart: Record<Period, (at: Date) => Date> = { day: dayOf, week: weekOf, month: monthStart };

/** The one dimension a filter narrows to, or undefined; null when it narrows to more than the figures keep. */
function filterDimension(filter: PerformanceFilter): [RollupDimension, unknown] | undefined | null {
  if (filter.orderId || filter.source) return null;
  const given: [RollupDimension, unknown][] = [];
  if (filter.campaignId) given.push(['campaign', filter.campaignId]);
  if (filter.publicationId !== undefined && filter.publicationId !== null)
    given.push(['publication', filter.publicationId]);
  if (filter.channel) given.push(['channel', filter.channel]);
  if (given.length > 1) return null;
  return given[0];
}

/** Reads the kept figures a query selects: campaigns' or starts' documents. */
export type FigureReader = (query: Document) => Promise<Document[]>;

export const storedFigures =
  (db: Db): FigureReader =>
  (query) =>
    db.collection(PERFORMANCE_ROLLUPS).find(query).toArray();

/**
 * A reader for the summaries of one request: the figures of a query are read once however many
 * of its summaries ask for them (a page's total and its rows by day, publication and channel
 * read the same starts' documents).
 */
export function requestFigures(db: Db, loaders: Loaders): FigureReader {
  const read = storedFigures(db);
  const loader = loaders.custom<string, Document[]>('tracking:figures', (keys) =>
    Promise.all(keys.map((key) => read(EJSON.parse(key) as Document))),
  );
  return (query) => loader.load(EJSON.stringify(query));
}

/** Told of each figure read: its start, its group's value and its sums. */
type FigureVisitor = (at: Date, value: unknown, sums: EntrySums) => void;

/** The campaign figures of the dates, of one campaign or all. */
async function visitCampaigns(
  readFigures: FigureReader,
  at: Document | undefined,
  narrowed: unknown,
  visit: FigureVisitor,
): Promise<void> {
  const query: Document = { dim: 'campaign' };
  if (narrowed !== undefined) query.value = narrowed;
  if (at) query.at = at;
  for (const figure of (await readFigures(query)) as PerformanceRollupDoc[]) visit(figure.at, figure.value, figure);
}

/** The figures of the dates' starts: overall, or per publication or channel (of one value, or all). */
async function visitStarts(
  readFigures: FigureReader,
  at: Document | undefined,
  dim: 'all' | 'publication' | 'channel',
  narrowed: unknown,
  visit: FigureVisitor,
): Promise<void> {
  const starts = (await readFigures(at ? { dim: 'start', at } : { dim: 'start' })) as StartFiguresDoc[];
  const only = narrowed === undefined ? undefined : groupKey(narrowed);
  for (const start of starts) {
    if (dim === 'all') {
      visit(start.at, null, start.all);
      continue;
    }
    const groups = start[dim] ?? {};
    if (only !== undefined) {
      const group = groups[only];
      if (group) visit(start.at, group.value, group);
      continue;
    }
    for (const key in groups) visit(start.at, groups[key]!.value, groups[key]!);
  }
}

/**
 * performanceSummary from the kept figures (performanceRollups.ts), or null when they cannot
 * give it: a filter by order, item or source, two of campaign/publication/channel at once, or
 * two periods. It reads the figures of each entry start in the dates (one document per day for
 * synced entries; per campaign for a summary by campaign). Rows and their order are the
 * computed summary's.
 */
export async function keptSummary(
  db: Db,
  filter: PerformanceFilter,
  groupBy: readonly GroupDimension[],
  maxGroups: number,
  readFigures: FigureReader = storedFigures(db),
): Promise<SummaryRow[] | null> {
  const dimensions = [...new Set(groupBy)];
  const narrowed = filterDimension(filter);
  if (narrowed === null) return null;
  const grouped = dimensions.filter((d) => attributes[d]);
  const period = dimensions.filter((d) => periods[d]);
  if (grouped.length + period.length !== dimensions.length || grouped.length > 1 || period.length > 1) return null;
  const attribute = grouped[0] ? attributes[grouped[0]]! : undefined;
  if (narrowed && attribute && narrowed[0] !== attribute[0]) return null;
  const dim: RollupDimension = narrowed?.[0] ?? attribute?.[0] ?? 'all';
  const unit = period[0] ? periods[period[0]]! : undefined;
  const { dateFrom, dateTo } = filter;
  const at =
    dateFrom || dateTo ? { ...(dateFrom ? { $gte: dateFrom } : {}), ...(dateTo ? { $lte: dateTo } : {}) } : undefined;
  const rows = new Map<string, { key: Partial<SummaryRow>; sums: EntrySums }>();
  const periodOf = unit ? periodStart[unit] : undefined;
  const add: FigureVisitor = (start, value, sums) => {
    // a figure none of whose entries start there any more (they moved to another value)
    if (sums.entries === 0) return;
    const periodAt = periodOf?.(start);
    const id = `${periodAt?.getTime() ?? ''}|${typeof value}|${String(value)}`;
    let row = rows.get(id);
    if (!row) {
      const key: Partial<SummaryRow> = {};
      if (unit && periodAt) key[unit] = periodAt;
      if (attribute) (key as Record<string, unknown>)[attribute[1]] = value;
      row = { key, sums: { entries: 0, impressions: 0, clicks: 0, viewableImpressions: 0, reach: 0 } };
      rows.set(id, row);
    }
    addSums(row.sums, sums);
  };
  if (dim === 'campaign') await visitCampaigns(readFigures, at, narrowed?.[1], add);
  else await visitStarts(readFigures, at, dim, narrowed?.[1], add);
  if (rows.size > maxGroups) {
    throw badInput(`groupBy: more than ${maxGroups} groups; narrow the filter or group more coarsely`, 'groupBy');
  }
  const order = dimensions.map((d) => (periods[d] ?? attributes[d]![1]) as keyof SummaryRow);
  return [...rows.values()]
    .sort((a, b) => compareKeys(a.key, b.key, order))
    .map(({ key, sums }) => ({
      ...key,
      ...sums,
      ctr: percentage(sums.clicks, sums.impressions),
      viewability: percentage(sums.viewableImpressions, sums.impressions),
    }));
}

/** Ascending by each grouped field in turn, nulls first (as the store sorts them). */
function compareKeys(a: Partial<SummaryRow>, b: Partial<SummaryRow>, order: (keyof SummaryRow)[]): number {
  for (const field of order) {
    const x = a[field] ?? null;
    const y = b[field] ?? null;
    if (x === y) continue;
    if (x === null) return -1;
    if (y === null) return 1;
    const left = x instanceof Date ? x.getTime() : x;
    const right = y instanceof Date ? y.getTime() : y;
    if (left < right) return -1;
    if (left > right) return 1;
  }
  return 0;
}
