import type { ConsumerOptions } from '../../jobs/jobType';
import { QUEUE_PROCESSED, QUEUE_TO_PROCESS } from './clickModels';
import { handleClickBatches, handleProcessedKeys, type HandledTotals } from './handlers';
import type { ClickPipelineDeps } from './pipeline';

/** Makes sure both queues (and their dead-letter queues) exist before anyone uses them. */
export async function ensureClickQueues(deps: Pick<ClickPipelineDeps, 'queue' | 'visibilitySeconds'>): Promise<void> {
  const options = { maxReceiveCount: 5, visibilityTimeoutSeconds: deps.visibilitySeconds };
  await deps.queue.ensureQueue(QUEUE_TO_PROCESS, options);
  await deps.queue.ensureQueue(QUEUE_PROCESSED, options);
}

/**
 * The processor worker on clicks-to-process: `concurrency` batches of up to ten messages at
 * once, counted into `totals` when given (a sync's summary). Both workers receive with a short
 * visibility (CLICKS_VISIBILITY_SECONDS) that their consumer extends every third of it while it
 * holds a message, so a live worker keeps its batch however long it takes, and a dead worker's
 * messages are visible again within seconds.
 */
export function clickProcessor(deps: ClickPipelineDeps, concurrency = 2, totals?: HandledTotals): ConsumerOptions {
  return {
    concurrency,
    batchSize: 10,
    visibilityTimeoutSeconds: deps.visibilitySeconds,
    handler: (messages) => handleClickBatches(deps, messages, totals),
  };
}

/** The acknowledger worker on clicks-processed: one batch at a time, its keys marked in one call per unit. */
export function clickAcknowledger(deps: ClickPipelineDeps, totals?: HandledTotals): ConsumerOptions {
  return {
    concurrency: 1,
    batchSize: 10,
    visibilityTimeoutSeconds: deps.visibilitySeconds,
    handler: (messages, { signal }) => handleProcessedKeys(deps, messages, signal, totals),
  };
}
