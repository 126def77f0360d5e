import type { QueueMessage } from '../../datasources/queue';
import type { ConsumerResult } from '../../jobs/jobType';
import type { BusinessUnit } from '../../datasources/sfmc/businessUnits';
import { QUEUE_PROCESSED, QUEUE_TO_PROCESS } from './clickModels';
import { emptyTotals, handleClickBatches, handleProcessedKeys, type HandledTotals } from './handlers';
import { loadClicks } from './loadClicks';
import type { ClickPipelineDeps } from './pipeline';

export interface ClickSyncSummary extends HandledTotals {
  bu: string;
  loaded: number;
  rounds: number;
  backlog: number | null;
  /** Another loader held the unit, so this sync only drained the queues. */
  skipped: boolean;
  watermark: string | null;
  seconds: number;
}

export interface RunClickSyncOptions {
  since?: Date;
  /** Processor loops running at once. */
  concurrency?: number;
  /** Safety stop for a source that keeps filling while we drain it. */
  maxRounds?: number;
}

/** Makes sure both queues (and their dead-letter queues) exist before anyone uses them. */
export async function ensureClickQueues(deps: Pick<ClickPipelineDeps, 'queue'>): Promise<void> {
  await deps.queue.ensureQueue(QUEUE_TO_PROCESS, { maxReceiveCount: 5, visibilityTimeoutSeconds: 120 });
  await deps.queue.ensureQueue(QUEUE_PROCESSED, { maxReceiveCount: 5, visibilityTimeoutSeconds: 120 });
}

/**
 * Runs loader, processors and acknowledger in this process until the unit's backlog is empty:
 * what `sync-clicks` does, and what the benchmark measures. The loader and the workers overlap,
 * as they do in the service; a round ends when the loader is done and both queues are drained,
 * and rounds repeat until a load finds nothing left to read.
 */
export async function runClickSync(deps: ClickPipelineDeps, unit: BusinessUnit, options: RunClickSyncOptions = {}): Promise<ClickSyncSummary> {
  const started = Date.now();
  await ensureClickQueues(deps);
  const totals = emptyTotals();
  let loaded = 0;
  let rounds = 0;
  let watermark: Date | null = null;
  let skipped = false;
  for (let since = options.since; rounds < (options.maxRounds ?? 10); since = undefined) {
    rounds += 1;
    let loading = true;
    const loader = loadClicks(deps, unit, { since }).finally(() => (loading = false));
    const processors = Array.from({ length: options.concurrency ?? 2 }, () =>
      drain(deps, QUEUE_TO_PROCESS, () => loading, (messages) => handleClickBatches(deps, messages, totals)),
    );
    const processing = Promise.all(processors);
    let processingDone = false;
    void processing.finally(() => (processingDone = true)).catch(() => undefined);
    const acknowledger = drain(deps, QUEUE_PROCESSED, () => !processingDone, (messages) => handleProcessedKeys(deps, messages, undefined, totals));
    const [load] = await Promise.all([loader, processing, acknowledger]);
    loaded += load.rows;
    watermark = load.watermark;
    skipped = load.skipped;
    if (load.rows === 0) break;
  }
  return {
    bu: unit.name,
    loaded,
    rounds,
    ...totals,
    backlog: await deps.sfmc.backlog(unit),
    skipped,
    watermark: watermark?.toISOString() ?? null,
    seconds: (Date.now() - started) / 1000,
  };
}

/** Receives and handles messages until the queue is empty and `producing()` says no more come. */
async function drain(
  deps: ClickPipelineDeps,
  queue: string,
  producing: () => boolean,
  handle: (messages: QueueMessage[]) => Promise<ConsumerResult>,
): Promise<void> {
  for (;;) {
    const stillProducing = producing();
    const messages = await deps.queue.receive(queue, { maxMessages: 10, visibilityTimeoutSeconds: 120 });
    if (messages.length === 0) {
      if (!stillProducing) return;
      // Short naps rather than a long poll: the producer is in this process and ends soon.
      await new Promise((resolve) => setTimeout(resolve, 5));
      continue;
    }
    const result = await handle(messages);
    const kept = new Set([...(result.retry ?? []).map((r) => r.message), ...(result.deadLetter ?? [])].map((m) => m.receiptHandle));
    for (const message of result.deadLetter ?? []) await deps.queue.deadLetter(queue, message);
    for (const { message } of result.retry ?? []) await deps.queue.changeVisibility(queue, message.receiptHandle, 0);
    const done = messages.filter((m) => !kept.has(m.receiptHandle)).map((m) => m.receiptHandle);
    if (done.length > 0) await deps.queue.delete(queue, done);
  }
}
