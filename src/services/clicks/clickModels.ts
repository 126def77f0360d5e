import type { Db } from '../../datasources/store';

/** Collection names other tools read; every document carries `bu`. */
export const CLICK_EVENTS = 'email_click_events';
export const CLICK_EVENT_IDS = 'email_click_event_ids';
export const EMAIL_SENDS = 'email_sends';
export const EMAIL_URLS = 'email_urls';
export const SUBSCRIBERS = 'subscribers';
export const CATEGORIES = 'categories';
export const CLICK_REJECTS = 'email_click_rejects';
export const CLICK_SYNC_STATE = 'click_sync_state';

export const QUEUE_TO_PROCESS = 'clicks-to-process';
export const QUEUE_PROCESSED = 'clicks-processed';

/** Distinct event ids kept on an aggregated click event; more go to email_click_event_ids. */
export const MAX_GUIDS_PER_EVENT = 5000;

/** One aggregated click event: the clicks of one subscriber on one URL of one send on one day. */
export interface ClickEventDocument {
  _id: string;
  bu: string;
  /** Local midnight of the reporting day (REPORTING_TIME_ZONE), as an instant. */
  day: Date;
  /** email_sends._id */
  send: string;
  /** email_urls._id */
  url: string;
  /** subscribers._id */
  subscriber: string;
  /** Distinct event ids: guids.length + overflowN. */
  n: number;
  /** The first MAX_GUIDS_PER_EVENT distinct event ids. */
  guids: string[];
  /** Latest click time. */
  last: Date;
  /** Distinct ids kept in email_click_event_ids once guids is full. */
  overflowN?: number;
  /** Set once an update found guids full; such keys go through the overflow step. */
  spilled?: boolean;
}

/** The overflow ids of a click event past MAX_GUIDS_PER_EVENT, one document per id. */
export interface ClickEventIdDocument {
  _id: string;
  bu: string;
  eventKey: string;
  guid: string;
}

export interface EmailSendDocument {
  _id: string;
  bu: string;
  /** Marketing Cloud JobID. */
  jobId: string;
  emailName?: string;
  /** categories._id, when a click row named the send's category. */
  categoryId?: string;
  firstClickAt: Date;
  lastClickAt: Date;
  createdAt: Date;
}

export interface EmailUrlDocument {
  _id: string;
  bu: string;
  url: string;
  /** Hash of the URL: URLs may be 2,048 characters, too long for an index key. */
  urlKey: string;
  linkName?: string;
  linkContent?: string;
  createdAt: Date;
}

export interface SubscriberDocument {
  _id: string;
  bu: string;
  subscriberKey: string;
  subscriberId?: string;
  createdAt: Date;
}

export interface CategoryDocument {
  _id: string;
  bu: string;
  /** Marketing Cloud CategoryID. */
  categoryId: string;
  name?: string;
  /** categories._id of the parent category, when known. */
  parentId?: string;
  createdAt: Date;
}

export interface ClickRejectDocument {
  _id: string;
  bu: string;
  /** The source row's key. */
  key: string;
  reason: string;
  message: string;
  values: Record<string, unknown>;
  at: Date;
}

/** Where a business unit's loader stands. */
export interface ClickSyncStateDocument {
  _id: string;
  bu: string;
  /** Latest EventDate of a completed load; the next load starts at it minus the lookback. */
  watermark: Date | null;
  /** A load in progress: resumed from `cursor` by the next loader if this one dies. */
  run: {
    from: Date | null;
    cursor: string | null;
    startedAt: Date;
    rows: number;
    pages: number;
    maxEventDate: Date | null;
  } | null;
  lastRunAt?: Date;
  lastRunRows?: number;
  /** The loader holding the unit (see syncLease.ts) and until when. */
  leaseOwner?: string;
  leaseUntil?: Date | null;
  updatedAt: Date;
}

export const clickCollections = (db: Db) => ({
  events: db.collection<ClickEventDocument>(CLICK_EVENTS),
  eventIds: db.collection<ClickEventIdDocument>(CLICK_EVENT_IDS),
  sends: db.collection<EmailSendDocument>(EMAIL_SENDS),
  urls: db.collection<EmailUrlDocument>(EMAIL_URLS),
  subscribers: db.collection<SubscriberDocument>(SUBSCRIBERS),
  categories: db.collection<CategoryDocument>(CATEGORIES),
  rejects: db.collection<ClickRejectDocument>(CLICK_REJECTS),
  syncState: db.collection<ClickSyncStateDocument>(CLICK_SYNC_STATE),
});
