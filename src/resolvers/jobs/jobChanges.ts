import type { ChangeStreamDocument, Db, Document } from 'mongodb';
import type { JobRecord } from '../../jobs/jobType';
import { JOBS } from '../../jobs/jobStore';

/**
 * Jobs as they change, from the store's change stream (MongoDB change streams, or the embedded
 * engine's oplog), so an update written by any instance reaches subscribers of every instance.
 * Returning the iterator (the client unsubscribed) closes the stream at once, even while it
 * waits for the next change.
 */
export function watchJobs(db: Db, match: Document): AsyncIterableIterator<JobRecord> {
  const stream = db.collection<JobRecord>(JOBS).watch<JobRecord, ChangeStreamDocument<JobRecord>>(
    [{ $match: { operationType: { $in: ['insert', 'update', 'replace'] }, ...match } }],
    { fullDocument: 'updateLookup' },
  );
  const changes = stream[Symbol.asyncIterator]();
  const iterator: AsyncIterableIterator<JobRecord> = {
    async next() {
      for (;;) {
        const change = await changes.next();
        if (change.done) return { done: true, value: undefined };
        const job = 'fullDocument' in change.value ? change.value.fullDocument : undefined;
        if (job) return { done: false, value: job };
      }
    },
    async return() {
      await stream.close();
      return { done: true, value: undefined };
    },
    async throw(error?: unknown) {
      await stream.close();
      throw error;
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}
