import type { ChangeStreamDocument, Collection, Document } from '../datasources/store';
import type { JobRecord, JobWatch } from './jobType';

/** The change-stream filter of what a watcher follows: one job, the jobs of one type, or all. */
function changesOf(watch: JobWatch): Document {
  if (watch.id !== undefined) return { 'documentKey._id': watch.id };
  if (watch.type) return { 'fullDocument.type': watch.type };
  return {};
}

/**
 * Jobs as they change, from the store's change stream (MongoDB change streams, or the embedded
 * engine's oplog), so an update written by any instance reaches subscribers of every instance.
 * Returning the iterator (the client unsubscribed) closes the stream at once, even while it
 * waits for the next change.
 */
export function watchJobs(jobs: Collection<JobRecord>, watch: JobWatch): AsyncIterableIterator<JobRecord> {
  const stream = jobs.watch<JobRecord, ChangeStreamDocument<JobRecord>>(
    [{ $match: { operationType: { $in: ['insert', 'update', 'replace'] }, ...changesOf(watch) } }],
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
