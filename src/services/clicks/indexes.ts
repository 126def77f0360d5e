import type { IndexDeclaration, RetiredIndex } from '../../datasources/store/indexes';
import { CLICK_HISTORY } from './clickExpiry';
import { CLICK_ROLLUPS } from './clickRollups';

/** The click pipeline's indexes: the local data extension, click events and related models. */
export const clickIndexes: IndexDeclaration[] = [
  // Local data extension: the loader's page read is one range
  // on (bu, pos) over unprocessed rows; pos = EventDate then row id. Partial, so marking a row
  // processed removes one index entry instead of moving it, and the index holds only the backlog.
  {
    collection: 'sfmc_click_log',
    key: { bu: 1, pos: 1 },
    options: { partialFilterExpression: { processed: false }, name: 'unprocessed_pos' },
  },
  // Aggregated click events: one document per (bu, day, send, url, subscriber), whose _id is
  // derived from those five fields and starts with the day (modelIds.ts): the _id keeps them
  // unique, and a range of days is a range of _id. By subscriber; day, send and URL too, so the
  // groups a subscriber clicked in are read from the index alone when a write plans the click
  // figures (clickRollups.ts).
  { collection: 'email_click_events', key: { subscriber: 1, day: 1, send: 1, url: 1 } },
  // By send, link or business unit, over reporting days (one range of each: the emailSend
  // stats, clickEvents pages and their counts, expiry and rebuilds), in the order a page is
  // returned (clickEventPage.ts).
  { collection: 'email_click_events', key: { send: 1, _id: 1 } },
  { collection: 'email_click_events', key: { url: 1, _id: 1 } },
  { collection: 'email_click_events', key: { bu: 1, _id: 1 } },
  // What expiry keeps of a subscriber's expired events: the groups it clicked in (clickExpiry.ts).
  { collection: CLICK_HISTORY, key: { subscriber: 1, send: 1, url: 1 } },
  // Overflow event ids of keys past 5,000 distinct ids: stored once per (key, id), counted per key.
  { collection: 'email_click_event_ids', key: { bu: 1, eventKey: 1, guid: 1 }, options: { unique: true } },
  { collection: 'email_sends', key: { bu: 1, jobId: 1 }, options: { unique: true } },
  // urlKey is a hash of the URL: URLs reach 2,048 characters, too long for an index key.
  { collection: 'email_urls', key: { bu: 1, urlKey: 1 }, options: { unique: true } },
  { collection: 'subscribers', key: { bu: 1, subscriberKey: 1 }, options: { unique: true } },
  { collection: 'categories', key: { bu: 1, categoryId: 1 }, options: { unique: true } },
  { collection: 'email_click_rejects', key: { bu: 1, at: -1 } },
  // Kept figures: days in a range, the most clicked sends and links (of every unit: a business
  // unit's are read through it too, so each write of a figure moves one entry), a send's days.
  { collection: CLICK_ROLLUPS.days, key: { day: 1 } },
  { collection: CLICK_ROLLUPS.sends, key: { clicks: -1, _id: 1 } },
  { collection: CLICK_ROLLUPS.urls, key: { clicks: -1, _id: 1 } },
  { collection: CLICK_ROLLUPS.sendDays, key: { send: 1, day: 1 } },
  { collection: CLICK_ROLLUPS.sendDays, key: { day: 1 } },
];

/**
 * Indexes earlier versions created: the backlog index before it was partial, subscribers before
 * business units, click events by subscriber before it held send and URL, and click events'
 * unique (bu, day, send, url, subscriber), (send, day) and (url, day), which the _id answers.
 */
export const retiredClickIndexes: RetiredIndex[] = [
  { collection: 'sfmc_click_log', key: { bu: 1, processed: 1, pos: 1 } },
  { collection: 'subscribers', key: { subscriberKey: 1 } },
  { collection: 'email_click_events', key: { subscriber: 1, day: 1 } },
  { collection: 'email_click_events', key: { bu: 1, day: 1, send: 1, url: 1, subscriber: 1 } },
  { collection: 'email_click_events', key: { send: 1, day: 1 } },
  { collection: 'email_click_events', key: { url: 1, day: 1 } },
];
