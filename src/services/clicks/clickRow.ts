import { deriveEventId } from './eventId';
import type { ReportingCalendar } from './reportingDay';
import { parseSfmcDate, type ClickLogRow } from '../../datasources/sfmc/clickLogRow';

export const MAX_URL_LENGTH = 2048;
const MAX_ID_LENGTH = 256;

/** One click, validated, its date in true UTC and its reporting day computed. */
export interface ClickEvent {
  eventId: string;
  bu: string;
  jobId: string;
  batchId?: string;
  listId?: string;
  subscriberKey: string;
  subscriberId?: string;
  eventDate: Date;
  day: Date;
  url: string;
  linkName?: string;
  linkContent?: string;
  isUnique?: boolean;
  emailName?: string;
  categoryId?: string;
  categoryName?: string;
  parentCategoryId?: string;
}

export type RejectReason =
  | 'MISSING_JOB_ID'
  | 'MISSING_SUBSCRIBER_KEY'
  | 'MISSING_URL'
  | 'URL_TOO_LONG'
  | 'BAD_EVENT_DATE'
  | 'BAD_EVENT_ID'
  /** A reporting day whose click events were expired (clickExpiry.ts): a redelivery could not be recognized. */
  | 'DAY_EXPIRED';

export interface RejectedRow {
  /** The id the source knows the row by, so it can still be acknowledged; null if none. */
  eventId: string | null;
  reason: RejectReason;
  message: string;
}

export type ParsedRow = { ok: true; click: ClickEvent } | ({ ok: false } & RejectedRow);

/** Column values with lower-cased names (the REST API returns lower-case, CSV files vary). */
function columns(row: ClickLogRow): Map<string, string> {
  const values = new Map<string, string>();
  for (const [name, value] of Object.entries(row)) {
    if (value === null || value === undefined) continue;
    const text = String(value).trim();
    if (text !== '') values.set(name.toLowerCase(), text);
  }
  return values;
}

function parseBoolean(text: string | undefined): boolean | undefined {
  if (text === undefined) return undefined;
  const folded = text.toLowerCase();
  if (folded === 'true' || folded === '1' || folded === 'yes') return true;
  if (folded === 'false' || folded === '0' || folded === 'no') return false;
  return undefined;
}

/** Validates one row; never throws, so one bad row cannot fail its batch. */
export function parseClickRow(bu: string, row: ClickLogRow, calendar: ReportingCalendar): ParsedRow {
  const col = columns(row);
  const explicitId = col.get('eventid');
  const reject = (reason: RejectReason, message: string): ParsedRow => ({
    ok: false,
    eventId: explicitId && explicitId.length <= MAX_ID_LENGTH ? explicitId : null,
    reason,
    message,
  });
  if (explicitId && explicitId.length > MAX_ID_LENGTH)
    return reject('BAD_EVENT_ID', `EventID longer than ${MAX_ID_LENGTH}`);
  const jobId = col.get('jobid');
  if (!jobId) return reject('MISSING_JOB_ID', 'JobID is missing');
  const subscriberKey = col.get('subscriberkey');
  if (!subscriberKey) return reject('MISSING_SUBSCRIBER_KEY', 'SubscriberKey is missing');
  const url = col.get('url');
  if (!url) return reject('MISSING_URL', 'URL is missing');
  if (url.length > MAX_URL_LENGTH)
    return reject('URL_TOO_LONG', `URL is ${url.length} characters, over ${MAX_URL_LENGTH}`);
  const rawDate = col.get('eventdate');
  const eventDate = rawDate === undefined ? null : parseSfmcDate(rawDate);
  if (!eventDate) return reject('BAD_EVENT_DATE', `EventDate ${JSON.stringify(rawDate ?? null)} is not a date`);
  const batchId = col.get('batchid');
  const click: ClickEvent = {
    eventId: explicitId ?? deriveEventId({ jobId, batchId: batchId ?? '', subscriberKey, eventDate, url }),
    bu,
    jobId,
    batchId,
    listId: col.get('listid'),
    subscriberKey,
    subscriberId: col.get('subscriberid'),
    eventDate,
    day: calendar.dayOf(eventDate),
    url,
    linkName: col.get('linkname'),
    linkContent: col.get('linkcontent'),
    isUnique: parseBoolean(col.get('isunique')),
    emailName: col.get('emailname'),
    categoryId: col.get('categoryid'),
    categoryName: col.get('categoryname'),
    parentCategoryId: col.get('parentcategoryid'),
  };
  return { ok: true, click };
}
