import type { ChangeStreamDocument, Collection, Document } from '../datasources/store';
import type { JobRecord, JobWatch } from './jobType';

/** Jobs whose last delivered state one watcher remembers (a jobsUpdated subscriber sees them all). */
const REMEMBERED_JOBS = 1000;

/**
 * Fields a run writes for its own bookkeeping: no subscriber sees them, so a write of only these
 * (a heartbeat, a dispatch mark) is not a new state of the job.
 */
const BOOKKEEPING = new Set<string>([
  'runId',
  'messageId',
  'heartbeatAt',
  'dispatchedAt',
  'deadLetteredAt',
  'updatedAt',
]);

/** The change-stream filter of what a watcher follows: one job, the jobs of one type, or all. */
function changesOf(watch: JobWatch): Document {
  if (watch.id !== undefined) return { 'documentKey._id': watch.id };
  if (watch.type) return { 'fullDocument.type': watch.type };
  return {};
}

/** An update of bookkeeping only (a heartbeat) is no change of the job's state. */
function changesState(change: ChangeStreamDocument<JobRecord>): boolean {
  if (change.operationType !== 'update') return true;
  const { updatedFields = {}, removedFields = [] } = change.updateDescription;
  return [...Object.keys(updatedFields), ...removedFields].some((path) => !BOOKKEEPING.has(path.split('.')[0]!));
}

/** Copies plain objects with their keys sorted, so the same content always gives the same text. */
function sortedKeys(_key: string, value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const record = value as Record<string, unknown>;
  return Object.fromEntries(
    Object.keys(record)
      .sort()
      .map((name) => [name, record[name]]),
  );
}

/** The job as subscribers see it, as text: equal texts are the same state. */
function stateOf(job: JobRecord): string {
  const visible = Object.entries(job).filter(([name]) => !BOOKKEEPING.has(name));
  return JSON.stringify(Object.fromEntries(visible), sortedKeys);
}

/**
 * The state last delivered of each job. An update event carries the job as it is when the event
 * is read (updateLookup), so two writes read together would both deliver the second one.
 */
class DeliveredStates {
  private readonly states = new Map<string, string>();

  /** True when `job` differs from what was last delivered of it, which it then becomes. */
  isNew(job: JobRecord): boolean {
    const state = stateOf(job);
    if (this.states.get(job._id) === state) return false;
    // oldest job out first: a Map iterates in insertion order
    this.states.delete(job._id);
    if (this.states.size >= REMEMBERED_JOBS) this.states.delete(this.states.keys().next().value!);
    this.states.set(job._id, state);
    return true;
  }
}

/**
 * Jobs as they change, from the store's change stream (MongoDB change streams, or the embedded
 * engine's oplog), so an update written by any instance reaches subscribers of every instance.
 * Each state is delivered once, in the order of the stream. Returning the iterator (the client
 * unsubscribed) closes the stream at once, even while it waits for the next change.
 */
export function watchJobs(jobs: Collection<JobRecord>, watch: JobWatch): AsyncIterableIterator<JobRecord> {
  const stream = jobs.watch<JobRecord, ChangeStreamDocument<JobRecord>>(
    [{ $match: { operationType: { $in: ['insert', 'update', 'replace'] }, ...changesOf(watch) } }],
    { fullDocument: 'updateLookup' },
  );
  const changes = stream[Symbol.asyncIterator]();
  const delivered = new DeliveredStates();
  const iterator: AsyncIterableIterator<JobRecord> = {
    async next() {
      for (;;) {
        const change = await changes.next();
        if (change.done) return { done: true, value: undefined };
        if (!changesState(change.value)) continue;
        const job = 'fullDocument' in change.value ? change.value.fullDocument : undefined;
        if (job && delivered.isNew(job)) return { done: false, value: job };
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
