import { EJSON } from 'bson';
import { RememberedFigures, type ChangePositions } from '../../datasources/rememberedFigures';
import type { Db, Document, Filter } from '../../datasources/store';
import { badInput } from '../../errors';
import { entrySums } from './entrySums';
import { keptSummary, requestFigures, storedFigures } from './keptSummary';
import type { Loaders } from '../loaders';
import { paginate, type Page, type PageArgs } from '../pagination';
import { percentage } from './metrics';
import { PERFORMANCE_ENTRIES } from './performanceEntry';
import { PERFORMANCE_ROLLUPS } from './performanceRollups';

export interface PerformanceFilter {
  campaignId?: string | null;
  orderId?: string | null;
  publicationId?: number | null;
  channel?: string | null;
  dateFrom?: Date | null;
  dateTo?: Date | null;
  source?: string | null;
}

export type GroupDimension = 'DAY' | 'WEEK' | 'MONTH' | 'PUBLICATION' | 'CHANNEL' | 'CAMPAIGN' | 'ORDER' | 'ITEM';

export interface SummaryRow {
  day?: Date | null;
  week?: Date | null;
  month?: Date | null;
  publicationId?: number | null;
  channel?: string | null;
  campaignId?: string | null;
  orderId?: string | null;
  itemPath?: string | null;
  entries: number;
  impressions: number;
  clicks: number;
  viewableImpressions: number;
  reach: number;
  ctr: number;
  viewability: number;
}

/** A summary never returns more groups than this; a narrower filter or coarser grouping is needed. */
export const MAX_SUMMARY_GROUPS = 5_000;

/** The store filter of a PerformanceEntryFilter; dates compare with each entry's dateStart. */
export function performanceFilter(filter: PerformanceFilter = {}): Filter<Document> {
  const query: Filter<Document> = {};
  if (filter.campaignId) query.campaignId = filter.campaignId;
  if (filter.orderId) query.orderId = filter.orderId;
  if (filter.publicationId !== undefined && filter.publicationId !== null) query.publicationId = filter.publicationId;
  if (filter.channel) query.channel = filter.channel;
  if (filter.source) query.source = filter.source;
  if (filter.dateFrom && filter.dateTo && filter.dateFrom > filter.dateTo) {
    throw badInput('dateFrom: must not be after dateTo', 'dateFrom');
  }
  if (filter.dateFrom || filter.dateTo) {
    query.dateStart = {
      ...(filter.dateFrom ? { $gte: filter.dateFrom } : {}),
      ...(filter.dateTo ? { $lte: filter.dateTo } : {}),
    };
  }
  return query;
}

const groupKeys: Record<GroupDimension, [keyof SummaryRow, unknown]> = {
  DAY: ['day', { $dateTrunc: { date: '$dateStart', unit: 'day' } }],
  WEEK: ['week', { $dateTrunc: { date: '$dateStart', unit: 'week', startOfWeek: 'monday' } }],
  MONTH: ['month', { $dateTrunc: { date: '$dateStart', unit: 'month' } }],
  PUBLICATION: ['publicationId', '$publicationId'],
  CHANNEL: ['channel', '$channel'],
  CAMPAIGN: ['campaignId', '$campaignId'],
  ORDER: ['orderId', '$orderId'],
  ITEM: ['itemPath', '$itemPath'],
};

/** Summaries from the kept figures remembered at most, one per filter and grouping asked. */
const REMEMBERED_SUMMARIES = 100;

/**
 * Reading performance entries: pages of them and grouped sums. With the store's change clock, a
 * summary from the kept figures is computed again only once the figures changed.
 */
export class PerformanceQueries {
  private readonly summaries: RememberedFigures;

  constructor(
    private readonly db: Db,
    changes?: ChangePositions,
  ) {
    this.summaries = new RememberedFigures(changes, REMEMBERED_SUMMARIES);
  }

  /** Entries newest day first, keyset-paginated. */
  list<N>(filter: PerformanceFilter, page: PageArgs, toNode: (doc: Document) => N): Promise<Page<N>> {
    return paginate(this.db.collection(PERFORMANCE_ENTRIES), performanceFilter(filter), page, {
      sortField: 'dateStart',
      direction: -1,
      toNode,
    });
  }

  /**
   * Sums of the filtered entries per group: from the kept figures when they give them
   * (keptSummary.ts), else one aggregate over the entries. ctr and viewability come from the
   * sums, never from averaging the entries' ratios. With a request's loaders, its summaries read
   * each set of figures once; with the change clock, a kept summary is answered again as it was
   * until the figures change.
   */
  async summarize(
    filter: PerformanceFilter,
    groupBy: readonly GroupDimension[],
    loaders?: Loaders,
  ): Promise<SummaryRow[]> {
    performanceFilter(filter);
    const figures = loaders ? requestFigures(this.db, loaders) : storedFigures(this.db);
    // the rows are shared by every asker until the figures change: never changed by them
    const kept = await this.summaries.get(EJSON.stringify({ filter, groupBy }), [PERFORMANCE_ROLLUPS], () =>
      keptSummary(this.db, filter, groupBy, MAX_SUMMARY_GROUPS, figures),
    );
    return kept ?? this.computeSummary(filter, groupBy);
  }

  /** Sums of the filtered entries per group, by one aggregate over them. */
  async computeSummary(filter: PerformanceFilter, groupBy: readonly GroupDimension[]): Promise<SummaryRow[]> {
    const dimensions = [...new Set(groupBy)];
    // With no dimension the whole filter is one group, and there is nothing to sort by.
    const id = dimensions.length > 0 ? Object.fromEntries(dimensions.map((d) => groupKeys[d])) : null;
    const sortKeys = Object.fromEntries(dimensions.map((d) => [`_id.${groupKeys[d][0]}`, 1]));
    const sort = dimensions.length > 0 ? [{ $sort: sortKeys }] : [];
    const groups = await this.db
      .collection(PERFORMANCE_ENTRIES)
      .aggregate([
        { $match: performanceFilter(filter) },
        {
          $group: { _id: id, ...entrySums },
        },
        ...sort,
        { $limit: MAX_SUMMARY_GROUPS + 1 },
      ])
      .toArray();
    if (groups.length > MAX_SUMMARY_GROUPS) {
      throw badInput(
        `groupBy: more than ${MAX_SUMMARY_GROUPS} groups; narrow the filter or group more coarsely`,
        'groupBy',
      );
    }
    return groups.map((group) => ({
      ...(group._id ?? {}),
      entries: group.entries,
      impressions: group.impressions,
      clicks: group.clicks,
      viewableImpressions: group.viewableImpressions,
      reach: group.reach,
      ctr: percentage(group.clicks, group.impressions),
      viewability: percentage(group.viewableImpressions, group.impressions),
    }));
  }
}
