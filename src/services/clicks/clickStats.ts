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

export interface ClickStatsView extends ClickTotals {
  groups: ClickGroup[];
  topLinks: TopLink[];
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
export const clickTotals = { totalClicks: { $sum: '$n' }, clickers: { $addToSet: '$subscriber' } };

/** Sum of n and distinct subscribers, overall and per group, with the most clicked links. */
export async function clickStats(
  db: Db,
  query: Filter<ClickEventDocument>,
  groupBy: ClickGroupBy[],
  limits: { groups: number; topLinks: number },
): Promise<ClickStatsView> {
  const { events } = clickCollections(db);
  const run = (pipeline: Document[]) =>
    events.aggregate<Document>([{ $match: query }, ...pipeline], { allowDiskUse: true }).toArray();
  const groupKey = Object.fromEntries([...new Set(groupBy)].map((g) => [groupFields[g], `$${groupFields[g]}`]));
  const shape = { _id: 1, totalClicks: 1, uniqueClickers: { $size: '$clickers' } };
  const byClicks = { $sort: { totalClicks: -1 } };
  const [overall, groups, links] = await Promise.all([
    run([{ $group: { _id: null, ...clickTotals } }, { $project: shape }]),
    groupBy.length > 0
      ? run([{ $group: { _id: groupKey, ...clickTotals } }, { $project: shape }, byClicks, { $limit: limits.groups }])
      : Promise.resolve([]),
    // $limit takes only a positive count: no links asked for still reads one.
    run([
      { $group: { _id: '$url', ...clickTotals } },
      { $project: shape },
      { $sort: { totalClicks: -1, _id: 1 } },
      { $limit: Math.max(limits.topLinks, 1) },
    ]),
  ]);
  return {
    totalClicks: overall[0]?.totalClicks ?? 0,
    uniqueClickers: overall[0]?.uniqueClickers ?? 0,
    groups: groups.map((g) => ({
      ...(g._id as Record<string, unknown>),
      totalClicks: g.totalClicks,
      uniqueClickers: g.uniqueClickers,
    })),
    topLinks: links
      .slice(0, limits.topLinks)
      .map((l) => ({ url: l._id as string, totalClicks: l.totalClicks, uniqueClickers: l.uniqueClickers })),
  };
}
