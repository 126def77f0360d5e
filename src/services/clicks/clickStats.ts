import type { Db, Document, Filter } from '../../datasources/store';
import { badInput } from '../../errors';
import { clickCollections, type ClickEventDocument } from './clickModels';

export type ClickGroupBy = 'DAY' | 'SEND' | 'URL' | 'SUBSCRIBER' | 'BU';

const groupFields: Record<ClickGroupBy, string> = {
  DAY: 'day',
  SEND: 'send',
  URL: 'url',
  SUBSCRIBER: 'subscriber',
  BU: 'bu',
};

export const DEFAULT_GROUPS = 100;
export const MAX_GROUPS = 1000;
export const DEFAULT_TOP_LINKS = 10;
export const MAX_TOP_LINKS = 100;

export interface ClickTotals {
  totalClicks: number;
  uniqueClickers: number;
}

export interface ClickGroup extends ClickTotals {
  day?: Date;
  send?: string;
  url?: string;
  subscriber?: string;
  bu?: string;
}

export interface TopLink extends ClickTotals {
  url: string;
}

/** How many groups and links a caller asks for. */
export interface ClickStatsLimits {
  groupLimit?: number | null;
  topLinks?: number | null;
}

/** The limits with their defaults, each checked against its cap. */
export function statsLimits(limits: ClickStatsLimits): { groups: number; topLinks: number } {
  const groups = limits.groupLimit ?? DEFAULT_GROUPS;
  const topLinks = limits.topLinks ?? DEFAULT_TOP_LINKS;
  if (groups < 1 || groups > MAX_GROUPS) throw badInput(`groupLimit: between 1 and ${MAX_GROUPS}`, 'groupLimit');
  if (topLinks < 0 || topLinks > MAX_TOP_LINKS) throw badInput(`topLinks: between 0 and ${MAX_TOP_LINKS}`, 'topLinks');
  return { groups, topLinks };
}

/** A $group's sum of n and set of subscribers (whose size is the distinct clickers). */
const clickTotals = { totalClicks: { $sum: '$n' }, clickers: { $addToSet: '$subscriber' } };
const shape = { _id: 1, totalClicks: 1, uniqueClickers: { $size: '$clickers' } };

/**
 * Sum of n and distinct subscribers of the filtered click events, overall, per group and per
 * link, each computed from the events by one aggregation when asked for. `retained` throws when
 * the filter reaches days whose events were expired (clickExpiry.ts).
 */
export class ComputedClickStats {
  private checked: Promise<void> | undefined;

  constructor(
    private readonly db: Db,
    private readonly query: Filter<ClickEventDocument>,
    private readonly retained: () => Promise<void> = async () => {},
  ) {}

  private async run(pipeline: Document[]): Promise<Document[]> {
    await (this.checked ??= this.retained());
    const { events } = clickCollections(this.db);
    return events.aggregate<Document>([{ $match: this.query }, ...pipeline], { allowDiskUse: true }).toArray();
  }

  async overall(): Promise<ClickTotals> {
    const [overall] = await this.run([{ $group: { _id: null, ...clickTotals } }, { $project: shape }]);
    return { totalClicks: overall?.totalClicks ?? 0, uniqueClickers: overall?.uniqueClickers ?? 0 };
  }

  async groups(groupBy: ClickGroupBy[], limit: number): Promise<ClickGroup[]> {
    if (groupBy.length === 0) return [];
    const groupKey = Object.fromEntries([...new Set(groupBy)].map((g) => [groupFields[g], `$${groupFields[g]}`]));
    const groups = await this.run([
      { $group: { _id: groupKey, ...clickTotals } },
      { $project: shape },
      { $sort: { totalClicks: -1 } },
      { $limit: limit },
    ]);
    return groups.map((g) => ({
      ...(g._id as Record<string, unknown>),
      totalClicks: g.totalClicks,
      uniqueClickers: g.uniqueClickers,
    }));
  }

  async topLinks(limit: number): Promise<TopLink[]> {
    // $limit takes only a positive count: no links asked for still reads one.
    const links = await this.run([
      { $group: { _id: '$url', ...clickTotals } },
      { $project: shape },
      { $sort: { totalClicks: -1, _id: 1 } },
      { $limit: Math.max(limit, 1) },
    ]);
    return links
      .slice(0, limit)
      .map((l) => ({ url: l._id as string, totalClicks: l.totalClicks, uniqueClickers: l.uniqueClickers }));
  }
}
