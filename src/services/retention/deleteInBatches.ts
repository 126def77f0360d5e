import { setImmediate, setTimeout } from 'node:timers/promises';
import type { Collection, Document, Filter } from '../../datasources/store';

/** How retention deletes: bounded batches with a pause between them, stoppable. */
export interface BatchPolicy {
  batchSize: number;
  /** Between two batches, so other writers (pipelines, the API) take the store's write lock meanwhile. */
  pauseMs: number;
  signal?: AbortSignal;
}

/** Gives the event loop and the store's writers a turn before the next batch. */
export async function pauseBetweenBatches(policy: BatchPolicy): Promise<void> {
  if (policy.pauseMs > 0) await setTimeout(policy.pauseMs, undefined, { signal: policy.signal });
  else await setImmediate(undefined, { signal: policy.signal });
}

/**
 * Deletes every document matching `filter`, at most `batchSize` per write: the ids of a batch
 * are read first (through the index the filter is served by), then deleted with the filter
 * tested again, so a document that changed meanwhile (a job retried) stays. `filter` may bound
 * `_id` itself: the batch's ids take its place in the delete.
 */
export async function deleteInBatches<T extends Document>(
  collection: Collection<T>,
  filter: Filter<T>,
  policy: BatchPolicy,
): Promise<number> {
  let deleted = 0;
  for (;;) {
    policy.signal?.throwIfAborted();
    const batch = await collection.find(filter, { projection: { _id: 1 }, limit: policy.batchSize }).toArray();
    if (batch.length === 0) return deleted;
    const ids = batch.map((document) => document._id);
    const result = await collection.deleteMany({ ...filter, _id: { $in: ids } } as Filter<T>);
    deleted += result.deletedCount;
    // A full batch that all changed meanwhile would be read again and again: stop instead.
    if (batch.length < policy.batchSize || result.deletedCount === 0) return deleted;
    await pauseBetweenBatches(policy);
  }
}
