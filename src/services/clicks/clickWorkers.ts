import type { ConsumerOptions } from '../../jobs/jobType';
import { QUEUE_PROCESSED, QUEUE_TO_PROCESS } from './clickModels';
import { handleClickBatches, handleProcessedKeys, type HandledTotals } from './handlers';
import type { ClickPipelineDeps } from './pipeline';

/** How long a received click message stays invisible; the consumer extends it while its batch runs. */
const VISIBILITY_SECONDS = 120;

/** Makes sure both queues (and their dead-letter queues) exist before anyone uses them. */
export async function ensureClickQueues(deps: Pick<ClickPipelineDeps, 'queue'>): Promise<void> {
  await deps.queue.ensureQueue(QUEUE_TO_PROCESS, { maxReceiveCount: 5, visibilityTimeoutSeconds: VISIBILITY_SECONDS });
  await deps.queue.ensureQueue(QUEUE_PROCESSED, { maxReceiveCount: 5, visibilityTimeoutSeconds: VISIBILITY_SECONDS });
}

/**
 * The processor worker on clicks-to-process: `concurrency` batches of up to ten messages at
 * once, counted into `totals` when given (a sync's summary).
 */
export function clickProcessor(deps: ClickPipelineDeps, concurrency = 2, totals?: HandledTotals): ConsumerOptions {
  return {
    concurrency,
    batchSize: 10,
    visibilityTimeoutSeconds: VISIBILITY_SECONDS,
    handler: (messages) => handleClickBatches(deps, messages, totals),
  };
}

/** The acknowledger worker on clicks-processed: one batch at a time, its keys marked in one call per unit. */
export function clickAcknowledger(deps: ClickPipelineDeps, totals?: HandledTotals): ConsumerOptions {
  return {
    concurrency: 1,
    batchSize: 10,
    visibilityTimeoutSeconds: VISIBILITY_SECONDS,
    handler: (messages, { signal }) => handleProcessedKeys(deps, messages, signal, totals),
  };
}
