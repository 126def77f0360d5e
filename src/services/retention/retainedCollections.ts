import { OUTBOX_COLLECTION } from '../../datasources/messaging/port';
import { NOTIFICATIONS_COLLECTION } from '../../datasources/notifier/port';
import { SMS_OUTBOX_COLLECTION } from '../../datasources/sms/port';
import { ObjectId, type Document, type Filter, type Sort } from '../../datasources/store';
import { JOBS } from '../../jobs/jobStore';
import { AUDIT_LOG_COLLECTION } from '../audit/auditLog';
import { CLICK_REJECTS } from '../clicks/clickModels';
import type { RetentionKind } from './retentionKinds';

/** A collection whose documents go once past their kind's retention. */
export interface RetainedCollection {
  collection: string;
  /** The date a document's age counts from. */
  timeField: string;
  /** The documents past `cutoff` that may go: a filter one of the collection's indexes serves. */
  expired(cutoff: Date): Filter<Document>;
  /** The oldest document: this filter, first in this order (served by an index), its `timeField` read. */
  oldest: { filter: Filter<Document>; sort: Sort };
}

const olderThan = (field: string) => (cutoff: Date) => ({ [field]: { $lt: cutoff } });
const byTime = (field: string): RetainedCollection['oldest'] => ({ filter: {}, sort: { [field]: 1 } });

const FINISHED_JOBS = ['SUCCEEDED', 'FAILED', 'CANCELLED'];

/**
 * The collections of each kind kept in the store (wave messages, lake files, aggregated click
 * events and campaign events have their own sweeps: see docs/operations.md#retention).
 */
export const RETAINED_COLLECTIONS: Partial<Record<RetentionKind, RetainedCollection[]>> = {
  CLICK_EVENTS: [
    // Raw click-log rows of the embedded Marketing Cloud, once processed: their clicks live on
    // in the aggregated click events. The _id is an ObjectId made at import, so the range on it
    // is the rows imported before the cutoff.
    {
      collection: 'sfmc_click_log',
      timeField: 'importedAt',
      expired: (cutoff) => ({
        _id: { $lt: ObjectId.createFromTime(Math.floor(cutoff.getTime() / 1000)) },
        processed: true,
      }),
      oldest: { filter: { processed: true }, sort: { _id: 1 } },
    },
    { collection: CLICK_REJECTS, timeField: 'at', expired: olderThan('at'), oldest: byTime('at') },
  ],
  OUTBOX_MESSAGES: [
    {
      collection: OUTBOX_COLLECTION,
      timeField: 'createdAt',
      expired: olderThan('createdAt'),
      oldest: byTime('createdAt'),
    },
    // A text whose delivery receipt is still due stays until its receipt went out.
    {
      collection: SMS_OUTBOX_COLLECTION,
      timeField: 'sentAt',
      expired: (cutoff) => ({ sentAt: { $lt: cutoff }, receiptDueAt: { $exists: false } }),
      oldest: byTime('sentAt'),
    },
    { collection: NOTIFICATIONS_COLLECTION, timeField: 'at', expired: olderThan('at'), oldest: byTime('at') },
  ],
  JOB_RECORDS: [
    // Finished jobs only. Jobs a file on the objects port started (requestedBy "objects:<folder>")
    // stay: their idempotency key is what keeps a file still in its folder from being run again.
    {
      collection: JOBS,
      timeField: 'createdAt',
      expired: (cutoff) => ({
        status: { $in: FINISHED_JOBS },
        createdAt: { $lt: cutoff },
        finishedAt: { $lt: cutoff },
        requestedBy: { $not: /^objects:/ },
      }),
      oldest: byTime('createdAt'),
    },
  ],
  AUDIT_ENTRIES: [
    { collection: AUDIT_LOG_COLLECTION, timeField: 'at', expired: olderThan('at'), oldest: byTime('at') },
  ],
};
