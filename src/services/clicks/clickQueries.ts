import type { Db, Document, Filter } from 'mongodb';
import { badInput } from '../../errors';
import { paginate, type Page, type PageArgs } from '../pagination';
import { clickCollections, QUEUE_PROCESSED, QUEUE_TO_PROCESS, type ClickEventDocument } from './clickModels';
import type { BusinessUnit } from '../../datasources/sfmc/businessUnits';
import { subscriberId, urlId } from './modelIds';
import type { ReportingCalendar } from './reportingDay';
import type { SfmcPort } from '../../datasources/sfmc';
import type { QueuePort } from '../../datasources/queue';

export interface ClickEventFilter {
  bu?: string | null;
  sendId?: string | null;
  url?: string | null;
  subscriberKey?: string | null;
  /** Reporting days, YYYY-MM-DD, inclusive. */
  dayFrom?: string | null;
  dayTo?: string | null;
}

export type ClickGroupBy = 'DAY' | 'SEND' | 'URL' | 'SUBSCRIBER' | 'BU';

const groupFields: Record<ClickGroupBy, string> = { DAY: 'day', SEND: 'send', URL: 'url', SUBSCRIBER: 'subscriber', BU: 'bu' };

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

/**
 * The store filter of a click-event filter. URL and subscriber ids are derived from the natural
 * key and each business unit in scope, so no lookup is needed.
 */
export function clickEventQuery(filter: ClickEventFilter, units: BusinessUnit[], calendar: ReportingCalendar): Filter<ClickEventDocument> {
  const query: Filter<ClickEventDocument> = {};
  const scope = filter.bu ? [filter.bu] : units.map((u) => u.name);
  if (filter.bu) query.bu = filter.bu;
  if (filter.sendId) query.send = filter.sendId;
  if (filter.url) query.url = { $in: scope.map((bu) => urlId(bu, filter.url!)) };
  if (filter.subscriberKey) query.subscriber = { $in: scope.map((bu) => subscriberId(bu, filter.subscriberKey!)) };
  const day: { $gte?: Date; $lte?: Date } = {};
  if (filter.dayFrom) day.$gte = dayStart(calendar, filter.dayFrom, 'filter.dayFrom');
  if (filter.dayTo) day.$lte = dayStart(calendar, filter.dayTo, 'filter.dayTo');
  if (day.$gte && day.$lte && day.$gte > day.$lte) throw badInput('filter.dayTo: on or after dayFrom', 'filter.dayTo');
  if (day.$gte || day.$lte) query.day = day;
  return query;
}

function dayStart(calendar: ReportingCalendar, date: string, field: string): Date {
  try {
    return calendar.startOf(date);
  } catch {
    throw badInput(`${field}: a date as YYYY-MM-DD`, field);
  }
}

export function listClickEvents<N>(db: Db, query: Filter<ClickEventDocument>, args: PageArgs, toNode: (doc: ClickEventDocument) => N): Promise<Page<N>> {
  return paginate(clickCollections(db).events, query, args, { sortField: 'day', direction: -1, toNode });
}

const totals = { totalClicks: { $sum: '$n' }, clickers: { $addToSet: '$subscriber' } };

/** Sum of n and distinct subscribers, overall and per group, with the most clicked links. */
export async function clickStats(
  db: Db,
  query: Filter<ClickEventDocument>,
  groupBy: ClickGroupBy[],
  limits: { groups: number; topLinks: number },
): Promise<ClickTotals & { groups: ClickGroup[]; topLinks: TopLink[] }> {
  const { events } = clickCollections(db);
  const run = (pipeline: Document[]) => events.aggregate<Document>([{ $match: query }, ...pipeline], { allowDiskUse: true }).toArray();
  const groupKey = Object.fromEntries([...new Set(groupBy)].map((g) => [groupFields[g], `$${groupFields[g]}`]));
  const shape = { _id: 1, totalClicks: 1, uniqueClickers: { $size: '$clickers' } };
  const [overall, groups, links] = await Promise.all([
    run([{ $group: { _id: null, ...totals } }, { $project: shape }]),
    groupBy.length > 0
      ? run([{ $group: { _id: groupKey, ...totals } }, { $project: shape }, { $sort: { totalClicks: -1 } }, { $limit: limits.groups }])
      : Promise.resolve([]),
    run([{ $group: { _id: '$url', ...totals } }, { $project: shape }, { $sort: { totalClicks: -1, _id: 1 } }, { $limit: limits.topLinks }]),
  ]);
  return {
    totalClicks: overall[0]?.totalClicks ?? 0,
    uniqueClickers: overall[0]?.uniqueClickers ?? 0,
    groups: groups.map((g) => ({ ...(g._id as Record<string, unknown>), totalClicks: g.totalClicks, uniqueClickers: g.uniqueClickers })),
    topLinks: links.map((l) => ({ url: l._id as string, totalClicks: l.totalClicks, uniqueClickers: l.uniqueClickers })),
  };
}

export interface ClickSyncStatusView {
  bu: string;
  source: 'config' | 'local';
  watermark: Date | null;
  running: boolean;
  runStartedAt: Date | null;
  runRows: number;
  lastRunAt: Date | null;
  lastRunRows: number | null;
  /** Unprocessed rows at the source; null when the source does not say. */
  backlog: number | null;
}

/** The loader's position and the source backlog of every business unit. */
export async function clickSyncStatus(db: Db, sfmc: SfmcPort): Promise<ClickSyncStatusView[]> {
  const units = await sfmc.businessUnits();
  const states = await clickCollections(db).syncState.find({ _id: { $in: units.map((u) => u.name) } }).toArray();
  const byUnit = new Map(states.map((s) => [s._id, s]));
  return Promise.all(
    units.map(async (unit) => {
      const state = byUnit.get(unit.name);
      return {
        bu: unit.name,
        source: unit.source,
        watermark: state?.watermark ?? null,
        running: Boolean(state?.run),
        runStartedAt: state?.run?.startedAt ?? null,
        runRows: state?.run?.rows ?? 0,
        lastRunAt: state?.lastRunAt ?? null,
        lastRunRows: state?.lastRunRows ?? null,
        backlog: await sfmc.backlog(unit),
      };
    }),
  );
}

/** Messages waiting in the two click queues (visible, in flight, delayed). */
export async function clickQueueDepths(queue: QueuePort): Promise<{ toProcess: number; processed: number; deadLettered: number }> {
  const [toProcess, processed] = await Promise.all([queue.stats(QUEUE_TO_PROCESS), queue.stats(QUEUE_PROCESSED)]);
  return {
    toProcess: toProcess.visible + toProcess.inFlight + toProcess.delayed,
    processed: processed.visible + processed.inFlight + processed.delayed,
    deadLettered: toProcess.deadLettered + processed.deadLettered,
  };
}
