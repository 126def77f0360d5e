import type { IndexDeclaration, RetiredIndex } from '../datasources/store/indexes';
import { JOBS } from './jobStore';

/** Indexes of the jobs collection (applied with the features' indexes at start-up). */
export const jobIndexes: IndexDeclaration[] = [
  // One Job per idempotency key: N instances firing one schedule tick make one Job.
  {
    collection: JOBS,
    key: { idempotencyKey: 1 },
    options: {
      unique: true,
      partialFilterExpression: { idempotencyKey: { $exists: true } },
      name: 'job_idempotency_key_unique',
    },
  },
  // jobs(filter, first, after), newest first: alone, by type, by status (also the dispatcher's
  // sweep of QUEUED jobs); a schedule's lastJob. With _id, the list's order: a page reads only its rows.
  { collection: JOBS, key: { createdAt: -1, _id: -1 } },
  { collection: JOBS, key: { type: 1, createdAt: -1, _id: -1 } },
  { collection: JOBS, key: { status: 1, createdAt: -1, _id: -1 } },
  { collection: JOBS, key: { schedule: 1, createdAt: -1 } },
];

/** Indexes earlier versions created: jobs by type and by status before they held _id. */
export const retiredJobIndexes: RetiredIndex[] = [
  { collection: JOBS, key: { type: 1, createdAt: -1 } },
  { collection: JOBS, key: { status: 1, createdAt: -1 } },
];
