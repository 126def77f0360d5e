import type { BusinessUnit } from '../../datasources/sfmc/businessUnits';
import type { ConsumerOptions } from '../../jobs/jobType';
import { QueueConsumer } from '../../jobs/queueConsumer';
import { QUEUE_PROCESSED, QUEUE_TO_PROCESS } from './clickModels';
import { clickAcknowledger, clickProcessor, ensureClickQueues } from './clickWorkers';
import { emptyTotals, type HandledTotals } from './handlers';
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
  /** Processor batches running at once. */
  concurrency?: number;
  /** Safety stop for a source that keeps filling while we drain it. */
  maxRounds?: number;
}

/**
 * Runs loader, processors and acknowledger in this process until the unit's backlog is empty:
 * what `sync-clicks` does, and what the benchmark measures. The workers are the service's (the
 * same consumer and handlers), drained rather than left waiting. The loader and the workers
 * overlap, as they do in the service; a round ends when the loader is done and both queues are
 * drained, and rounds repeat until a load of every unprocessed row finds nothing left to read.
 */
export async function runClickSync(
  deps: ClickPipelineDeps,
  unit: BusinessUnit,
  options: RunClickSyncOptions = {},
): Promise<ClickSyncSummary> {
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
    let processing = true;
    const processorWorker = clickProcessor(deps, options.concurrency ?? 2, totals);
    const processor = drain(deps, QUEUE_TO_PROCESS, processorWorker, () => loading).finally(() => (processing = false));
    const acknowledger = drain(deps, QUEUE_PROCESSED, clickAcknowledger(deps, totals), () => processing);
    const [load] = await Promise.all([loader, processor, acknowledger]);
    loaded += load.rows;
    watermark = load.watermark;
    skipped = load.skipped;
    // A load that left older rows for later (the queues held rows) goes on once they are drained.
    if (load.skipped || (load.rows === 0 && load.readAll)) break;
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

/** Runs a worker on `queue` until it is empty and `producing()` says no more come. */
function drain(
  deps: ClickPipelineDeps,
  queue: string,
  worker: ConsumerOptions,
  producing: () => boolean,
): Promise<void> {
  // A retry comes back at once: the queue is drained only when no message is left to come back.
  const consumer = new QueueConsumer(
    queue,
    { ...worker, backoffMs: 0 },
    {
      queue: deps.queue,
      logger: deps.logger,
      defaultWaitSeconds: 0,
      stopTimeoutMs: 0,
    },
  );
  return consumer.drain(producing);
}
