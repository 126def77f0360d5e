import type { Db } from '../../datasources/store';
import type { QueuePort } from '../../datasources/queue';
import type { SfmcPort, SourceRow } from '../../datasources/sfmc';
import type { Logger } from '../../logger';
import type { BusinessUnit } from '../../datasources/sfmc/businessUnits';
import { clickCollections, QUEUE_TO_PROCESS, type ClickSyncStateDocument } from './clickModels';
import { encodeBatches } from './messages';
import { acquireLoadLease, leaseRenewal, releaseLoadLease } from './syncLease';
import { eventDateOf } from '../../datasources/sfmc/clickLogRow';

export interface LoadClicksDeps {
  db: Db;
  sfmc: SfmcPort;
  queue: QueuePort;
  logger: Logger;
  pageSize: number;
  /** Rows per `clicks-to-process` message. */
  batchSize: number;
  /** A new load starts this long before the watermark, to catch rows that arrived late. */
  lookbackMs: number;
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
  watermark: Date | null;
}

/**
 * The loader step for one business unit: pages through its unprocessed rows from the stored
 * watermark and queues them for the processor. The position is stored after every page, so a
 * loader that dies is resumed by the next one from the page it was on; pages it had queued
 * already may be queued twice, which the idempotent processor absorbs.
 */
export async function loadClicks(deps: LoadClicksDeps, unit: BusinessUnit, options: LoadClicksOptions = {}): Promise<LoadClicksResult> {
  const { syncState } = clickCollections(deps.db);
  const owner = await acquireLoadLease(deps.db, unit.name, options.owner);
  const stored = await syncState.findOne({ _id: unit.name });
  if (!owner) {
    deps.logger.info({ bu: unit.name, leaseOwner: stored?.leaseOwner }, 'another loader is loading this business unit; skipped');
    return { bu: unit.name, rows: 0, pages: 0, messages: 0, resumed: false, skipped: true, watermark: stored?.watermark ?? null };
  }
  const resumed = !options.since && Boolean(stored?.run);
  const run: LoadRun =
    !options.since && stored?.run
      ? stored.run
      : { from: startOf(options.since, stored?.watermark ?? null, deps.lookbackMs), cursor: null, startedAt: new Date(), rows: 0, pages: 0, maxEventDate: null };
  let messages = 0;
  try {
    await saveRun(deps.db, unit.name, run);
    messages = await loadPages(deps, unit, run, options);
  } catch (error) {
    // The stored page stays for whoever loads next; only the lease is given back.
    await releaseLoadLease(deps.db, unit.name, owner).catch(() => undefined);
    throw error;
  }
  const watermark = laterOf(stored?.watermark ?? null, run.maxEventDate);
  await syncState.updateOne(
    { _id: unit.name },
    { $set: { watermark, run: null, leaseUntil: null, lastRunAt: new Date(), lastRunRows: run.rows, updatedAt: new Date() } },
  );
  deps.logger.info({ bu: unit.name, rows: run.rows, pages: run.pages, resumed, watermark }, 'click rows loaded');
  return { bu: unit.name, rows: run.rows, pages: run.pages, messages, resumed, skipped: false, watermark };
}

type LoadRun = NonNullable<ClickSyncStateDocument['run']>;

/** Reads and queues pages until the source has no more, storing the position after each. */
async function loadPages(deps: LoadClicksDeps, unit: BusinessUnit, run: LoadRun, options: LoadClicksOptions): Promise<number> {
  let messages = 0;
  for (;;) {
    const page = await deps.sfmc.readClickLog(unit, { from: run.from, cursor: run.cursor, pageSize: deps.pageSize, signal: options.signal });
    if (page.rows.length > 0) {
      const batches = encodeBatches(unit.name, page.rows, deps.batchSize).map((body) => ({ body }));
      await deps.queue.sendBatch(QUEUE_TO_PROCESS, batches);
      messages += batches.length;
    }
    run.cursor = page.next;
    run.rows += page.rows.length;
    run.pages += 1;
    run.maxEventDate = latest(run.maxEventDate, page.rows);
    await saveRun(deps.db, unit.name, run);
    await options.onPage?.({ rows: run.rows, pages: run.pages });
    if (!page.next) return messages;
  }
}

function startOf(since: Date | undefined, watermark: Date | null, lookbackMs: number): Date | null {
  if (since) return since;
  return watermark ? new Date(watermark.getTime() - lookbackMs) : null;
}

async function saveRun(db: Db, bu: string, run: LoadRun): Promise<void> {
  await clickCollections(db).syncState.updateOne({ _id: bu }, { $set: { run, leaseUntil: leaseRenewal(), updatedAt: new Date() } });
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
