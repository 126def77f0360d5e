import type { BusinessUnit } from '../../datasources/sfmc/businessUnits';
import type { Filter } from '../../datasources/store';
import { badInput } from '../../errors';
import type { ClickEventDocument } from './clickModels';
import { subscriberId, urlId } from './modelIds';
import type { ReportingCalendar } from './reportingDay';

export interface ClickEventFilter {
  bu?: string | null;
  sendId?: string | null;
  url?: string | null;
  subscriberKey?: string | null;
  /** Reporting days, YYYY-MM-DD, inclusive. */
  dayFrom?: string | null;
  dayTo?: string | null;
}

/**
 * The store filter of a click-event filter. URL and subscriber ids are derived from the natural
 * key and each business unit in scope, so no lookup is needed.
 */
export function clickEventQuery(
  filter: ClickEventFilter,
  units: BusinessUnit[],
  calendar: ReportingCalendar,
): Filter<ClickEventDocument> {
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
