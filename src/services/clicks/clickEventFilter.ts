import type { BusinessUnit } from '../../datasources/sfmc/businessUnits';
import type { Filter } from '../../datasources/store';
import { badInput } from '../../errors';
import type { ClickEventDocument } from './clickModels';
import { clickEventKeyRange, subscriberId, urlId } from './modelIds';
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

/** The reporting days of a click-event filter, as `day` holds them (inclusive). */
export function clickEventDays(filter: ClickEventFilter, calendar: ReportingCalendar): { $gte?: Date; $lte?: Date } {
  const days: { $gte?: Date; $lte?: Date } = {};
  if (filter.dayFrom) days.$gte = dayStart(calendar, filter.dayFrom, 'filter.dayFrom');
  if (filter.dayTo) days.$lte = dayStart(calendar, filter.dayTo, 'filter.dayTo');
  if (days.$gte && days.$lte && days.$gte > days.$lte) {
    throw badInput('filter.dayTo: on or after dayFrom', 'filter.dayTo');
  }
  return days;
}

/**
 * The store filter of a click-event filter. URL and subscriber ids are derived from the natural
 * key and each business unit in scope, so no lookup is needed. Reporting days become a range of
 * `_id` (which starts with the day), so a filter by send, URL or business unit is one range of
 * its index ending in `_id`; by subscriber they stay a range of `day`, the second field of the
 * subscriber's index.
 */
export function clickEventQuery(
  filter: ClickEventFilter,
  units: BusinessUnit[],
  calendar: ReportingCalendar,
): Filter<ClickEventDocument> {
  const query: Filter<ClickEventDocument> = {};
  const scope = filter.bu ? [filter.bu] : units.map((u) => u.name);
  // URL and subscriber ids name their business unit: with one of them, `bu` would only make
  // the business unit's index a candidate of the same rank as theirs
  if (filter.bu && !filter.url && !filter.subscriberKey) query.bu = filter.bu;
  if (filter.sendId) query.send = filter.sendId;
  if (filter.url) query.url = { $in: scope.map((bu) => urlId(bu, filter.url!)) };
  if (filter.subscriberKey) query.subscriber = { $in: scope.map((bu) => subscriberId(bu, filter.subscriberKey!)) };
  const days = clickEventDays(filter, calendar);
  if (days.$gte || days.$lte) {
    if (filter.subscriberKey) query.day = days;
    else query._id = clickEventKeyRange(days);
  }
  return query;
}

function dayStart(calendar: ReportingCalendar, date: string, field: string): Date {
  try {
    return calendar.startOf(date);
  } catch {
    throw badInput(`${field}: a date as YYYY-MM-DD`, field);
  }
}
