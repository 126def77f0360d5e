import { naturalId } from './eventId';

/**
 * Stored ids derived from each model's natural key, business unit included, so the processor
 * writes related models and click events in one bulk pass without reading ids back, and two
 * business units with the same JobID, URL or SubscriberKey never share a document.
 */
export const sendId = (bu: string, jobId: string) => naturalId('send', bu, jobId);
export const urlId = (bu: string, url: string) => naturalId('url', bu, url);
export const urlKey = (url: string) => naturalId('url', url);
export const subscriberId = (bu: string, subscriberKey: string) => naturalId('subscriber', bu, subscriberKey);
export const categoryId = (bu: string, sfmcCategoryId: string) => naturalId('category', bu, sfmcCategoryId);
/** The start of a click event's key: the UTC date (YYYYMMDD) of its reporting day's start. */
const dayPrefix = (day: Date) => day.toISOString().slice(0, 10).replaceAll('-', '');

/**
 * The key of an aggregated click event starts with its day (as the UTC date of the day's start):
 * rows are read oldest first, so a batch's events then sort next to each other and land on a
 * few neighbouring pages of the store's B-trees, where hashed keys alone scatter every insert
 * onto its own page (a copied and rewritten page per event once the collection is large). The
 * key is unique per (bu, day, send, url, subscriber), so `_id` alone keeps one event per fact.
 */
export const clickEventKey = (bu: string, day: Date, send: string, url: string, subscriber: string) =>
  `${dayPrefix(day)}-${naturalId('click', bu, day.toISOString(), send, url, subscriber)}`;

/** Reporting days as `day` holds them (their starts): on or after `$gte`, on or before `$lte`, before `$lt`. */
export interface ClickDays {
  $gte?: Date;
  $lte?: Date;
  $lt?: Date;
}

export interface ClickEventKeyRange {
  $gte?: string;
  $lt?: string;
}

/**
 * The keys of the click events of some reporting days: a key starts with its day, and distinct
 * reporting days start on distinct UTC dates, so `{ _id: clickEventKeyRange(days) }` matches
 * the events `{ day: days }` does, as one range of `_id` or of an index ending in it
 * (`{ send, _id }`, `{ url, _id }`, `{ bu, _id }`).
 */
export function clickEventKeyRange(days: ClickDays): ClickEventKeyRange {
  const range: ClickEventKeyRange = {};
  if (days.$gte) range.$gte = `${dayPrefix(days.$gte)}-`;
  // '.' follows '-': every key of that day sorts before it
  if (days.$lte) range.$lt = `${dayPrefix(days.$lte)}.`;
  const before = days.$lt && `${dayPrefix(days.$lt)}-`;
  if (before && (!range.$lt || before < range.$lt)) range.$lt = before;
  return range;
}

/** Memoizes an id function for one batch, where the same send, URL and subscriber repeat. */
export function memoized(compute: (...parts: string[]) => string): (...parts: string[]) => string {
  const cache = new Map<string, string>();
  return (...parts) => {
    const key = parts.join('\u0000');
    let id = cache.get(key);
    if (id === undefined) {
      id = compute(...parts);
      cache.set(key, id);
    }
    return id;
  };
}
