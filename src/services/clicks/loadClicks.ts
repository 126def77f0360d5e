import type { Db } from '../../datasources/store';
import type { QueuePort } from '../../datasources/queue';
import type { SfmcPort, SourceRow } from '../../datasources/sfmc';
import type { Logger } from '../../logger';
import type { BusinessUnit } from '../../datasources/sfmc/businessUnits';
import { clickCollections, QUEUE_TO_PROCESS, type ClickSyncStateDocument } from './clickModels';
import { clickQueueDepths } from './clickSyncStatus';
import { encodeBatches } from './messages';
import { LoadLease, LoadLeaseLostError } from './syncLease';
import { eventDateOf } from '../../datasources/sfmc/clickLogRow';

export interface LoadClicksDeps {
  db: Db;
  sfmc: SfmcPort;
  queue: QueuePort;
  logger: Logger;
  pageSize: number;
  /** Rows per `clicks-to-process` message. */
  batchSize: number;
  /** While the pipeline still holds rows, a load starts this long before the watermark. */
  lookbackMs: number;
  /** How long a loader holds its business unit without a heartbeat (a dead loader's unit is free after it). */
  leaseMs: number;
}

export interface LoadClicksOptions {
  /** Final sync: read every unprocessed row from this date, whatever the watermark. */
  since?: Date;
  signal?: AbortSignal;
  /** Who loads (a job id): the same owner may take its own lease back, e.g. on a retry. */
  owner?: string;
  /** Called after each page is queued and its position stored (progress, cancellation). */
  onPage?: (loaded: { rows: number; pages: number }) => Promise<void>;
}

export interface LoadClicksResult {
  bu: string;
  rows: number;
  pages: number;
  messages: number;
  resumed: boolean;
  /** Another loader held the unit; nothing was read. */
  skipped: boolean;
  /** Every unprocessed row was read, however old, not only those after the watermark. */
  readAll: boolean;
  watermark: Date | null;
}

/**
 * The loader step for one business unit: pages through its unprocessed rows and queues them for
 * the processor. When the click queues are empty, every row loaded before has been processed and
 * acknowledged, so any row still unprocessed at the source was never loaded: the load reads all
 * of them, however old their EventDate (rows Marketing Cloud wrote late). While the queues still
 * hold rows, unprocessed rows may be in flight, so the load reads only from the watermark (minus
 * the lookback, 0 by default: any more queues again the rows of that window still in flight) and
 * leaves older ones for a later load. The position is stored after every page,
 * so a loader that dies is resumed by the next one from the page it was on; pages it had queued
 * already may be queued twice, which the idempotent processor absorbs.
 */
export async function loadClicks(
  deps: LoadClicksDeps,
  unit: BusinessUnit,
  options: LoadClicksOptions = {},
): Promise<LoadClicksResult> {
  const { syncState } = clickCollections(deps.db);
  const lease = await LoadLease.acquire(deps.db, unit.name, deps.leaseMs, options.owner);
  if (!lease) {
    const stored = await syncState.findOne({ _id: unit.name });
    deps.logger.info(
      { bu: unit.name, leaseOwner: stored?.leaseOwner },
      'another loader is loading this business unit; skipped',
    );
    const watermark = stored?.watermark ?? null;
    return { bu: unit.name, rows: 0, pages: 0, messages: 0, resumed: false, skipped: true, readAll: false, watermark };
  }
  let stored: ClickSyncStateDocument | null;
  let run: LoadRun;
  let messages: number;
  try {
    stored = await syncState.findOne({ _id: unit.name });
    run = !options.since && stored?.run ? stored.run : await newRun(deps, options.since, stored?.watermark ?? null);
    await saveRun(deps.db, lease, run);
    messages = await loadPages(deps, unit, run, lease, options);
  } catch (error) {
    // The stored page stays for whoever loads next; only the lease is given back.
    if (!lease.signal.aborted) await lease.release().catch(() => undefined);
    throw error;
  }
  const resumed = !options.since && Boolean(stored?.run);
  const watermark = laterOf(stored?.watermark ?? null, run.maxEventDate);
  await lease.release({ watermark, run: null, lastRunAt: new Date(), lastRunRows: run.rows });
  const readAll = run.from === null;
  const loaded = { bu: unit.name, rows: run.rows, pages: run.pages, resumed, readAll, watermark };
  deps.logger.info(loaded, 'click rows loaded');
  return { ...loaded, messages, skipped: false };
}

type LoadRun = NonNullable<ClickSyncStateDocument['run']>;

/** Reads and queues pages until the source has no more, storing the position after each. */
async function loadPages(
  deps: LoadClicksDeps,
  unit: BusinessUnit,
  run: LoadRun,
  lease: LoadLease,
  options: LoadClicksOptions,
): Promise<number> {
  const signal = options.signal ? AbortSignal.any([options.signal, lease.signal]) : lease.signal;
  let messages = 0;
  for (;;) {
    const request = { from: run.from, cursor: run.cursor, pageSize: deps.pageSize, signal };
    const page = await deps.sfmc.readClickLog(unit, request);
    if (lease.signal.aborted) throw lease.signal.reason;
    if (page.rows.length > 0) {
      const batches = encodeBatches(unit.name, page.rows, deps.batchSize).map((body) => ({ body }));
      await deps.queue.sendBatch(QUEUE_TO_PROCESS, batches);
      messages += batches.length;
    }
    run.cursor = page.next;
    run.rows += page.rows.length;
    run.pages += 1;
    run.maxEventDate = latest(run.maxEventDate, page.rows);
    await saveRun(deps.db, lease, run);
    await options.onPage?.({ rows: run.rows, pages: run.pages });
    if (!page.next) return messages;
  }
}

/**
 * A load from `since` when given; of every unprocessed row (from null) when nothing is in
 * flight; else from the watermark minus the lookback.
 */
async function newRun(deps: LoadClicksDeps, since: Date | undefined, watermark: Date | null): Promise<LoadRun> {
  const run = { cursor: null, startedAt: new Date(), rows: 0, pages: 0, maxEventDate: null };
  if (since || !watermark) return { ...run, from: since ?? null };
  const inFlight = await clickQueueDepths(deps.queue);
  const idle = inFlight.toProcess === 0 && inFlight.processed === 0;
  return { ...run, from: idle ? null : new Date(watermark.getTime() - deps.lookbackMs) };
}

/** Stores the position, only while this loader still holds the unit. */
async function saveRun(db: Db, lease: LoadLease, run: LoadRun): Promise<void> {
  const position = { run, leaseUntil: lease.until(), updatedAt: new Date() };
  const saved = await clickCollections(db).syncState.updateOne(lease.held, { $set: position });
  if (saved.matchedCount === 0) {
    lease.lose();
    throw new LoadLeaseLostError(lease.bu);
  }
}

/** Dates further ahead than this are bad data; they must not push the watermark past real rows. */
const FUTURE_TOLERANCE_MS = 24 * 3600_000;

function latest(current: Date | null, rows: SourceRow[]): Date | null {
  const limit = Date.now() + FUTURE_TOLERANCE_MS;
  let max = current;
  for (const row of rows) {
    const date = eventDateOf(row.values);
    if (date && date.getTime() <= limit) max = laterOf(max, date);
  }
  return max;
}

function laterOf(a: Date | null, b: Date | null): Date | null {
  if (!a) return b;
  if (!b) return a;
  return a > b ? a : b;
}
