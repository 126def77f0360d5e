import type { IndexDeclaration } from '../../datasources/store/indexes';
import { RATE_LIMITS } from './storeBuckets';

/** A bucket untouched this long is full again, so deleting it changes nothing (gcra.ts). */
const IDLE_BUCKET_SECONDS = 86_400;

/** The API's rate limits keep a bucket per client address: idle buckets expire. */
export const rateLimitIndexes: IndexDeclaration[] = [
  { collection: RATE_LIMITS, key: { updatedAt: 1 }, options: { expireAfterSeconds: IDLE_BUCKET_SECONDS } },
];
