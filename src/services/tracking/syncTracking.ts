import type { Db } from '../../datasources/store';
import type { AnalyticsPort, AnalyticsRow, QuarantinedFile } from '../../datasources/analytics/port';
import type { Logger } from '../../logger';
import { resolveDateRange, startOfDay, type DateRange } from './dateRange';
import { EntryWriter } from './entryWriter';
import { OrderMatcher } from './orderLookup';
import { PerformanceRollups } from './performanceRollups';
import { buildPublicationIndex, parsePublicationCodeInput } from './publicationCodes';
import { dailyAggregatesQuery } from './trackingQuery';
import { parseTrackingRow, type TrackingRow } from './trackingRow';

export const PUBLICATIONS = 'publications';

/** The seed's event: which days, which publication, and whether to write. */
export interface SyncTrackingInput {
  /** Last day to sync, YYYY-MM-DD; default yesterday in UTC. */
  date?: string | null;
  /** Days counted back from `date`, inclusive; default 1. */
  days?: number | null;
  /** Only this pixel `pub=` code (case-insensitive). */
  publicationCode?: string | null;
  /** Read and match everything, write nothing. */
  dryRun?: boolean | null;
}

export interface SyncStats {
  rowsFromAthena: number;
  synced: number;
  skipped: number;
  errors: number;
}

/** The seed's response. */
export interface SyncTrackingResult {
  success: boolean;
  dateRange: DateRange;
  stats: SyncStats;
  /** Milliseconds. */
  duration: number;
  error?: string;
  /** Log files this run could not read and moved aside (only when there were any). */
  quarantined?: QuarantinedFile[];
}

export interface SyncTrackingDeps {
  db: Db;
  analytics: AnalyticsPort;
  logger: Logger;
  /** Pixel code -> publicationId fallback (the seed's table plus TRACKING_PUBLICATION_CODES). */
  publicationCodes: Readonly<Record<string, number>>;
  /** Rows per look-up round and entries per bulkWrite. */
  batchSize: number;
  signal?: AbortSignal;
  /** Called after every batch; a job passes ctx.progress here (it throws when cancelled). */
  onProgress?: (fraction: number, message: string, stats: SyncStats) => Promise<void>;
  /** Called with the files moved aside, before the query: counted even if the run then fails. */
  onQuarantined?: (files: QuarantinedFile[]) => void;
  now?: () => Date;
  /** The app's kept figures (one per app: recomputations of a day take turns); a run's own otherwise. */
  rollups?: PerformanceRollups;
}

/**
 * Syncs the pixel-tracking daily aggregates of a range of days into performance_entries.
 * Rows stream from the analytics port in batches; each batch costs one query per collection
 * and one bulkWrite, never a round trip per row. Rows without a publication or order are
 * skipped, invalid rows are errors, each logged with its creativeId and publicationCode.
 * Throws on input errors (BAD_USER_INPUT) and on analytics or store failure.
 */
export async function syncTracking(input: SyncTrackingInput, deps: SyncTrackingDeps): Promise<SyncTrackingResult> {
  const started = Date.now();
  const now = deps.now ?? (() => new Date());
  const dateRange = resolveDateRange(input, now());
  const publicationCode = parsePublicationCodeInput(input.publicationCode);
  const dryRun = input.dryRun ?? false;
  const log = deps.logger.child({ dateRange, publicationFilter: publicationCode, dryRun });
  log.info('Sync started');

  const publicationIds = await loadPublicationIndex(deps.db, deps.publicationCodes);
  const orders = new OrderMatcher(deps.db);
  const rollups = deps.rollups ?? new PerformanceRollups(deps.db);
  const writer = new EntryWriter(deps.db, { dryRun, batchSize: deps.batchSize, logger: log, now, rollups });
  const stats: SyncStats = { rowsFromAthena: 0, synced: 0, skipped: 0, errors: 0 };

  const processBatch = async (rows: TrackingRow[]) => {
    if (rows.length === 0) return;
    const matched = await matchBatch(rows, { orders, publicationIds, logger: log, stats });
    for (const { row, match } of matched) writer.add(row, match);
    const flushed = await writer.flushBefore(rows[rows.length - 1].reportDate);
    stats.synced += flushed.synced;
    stats.errors += flushed.errors;
    const fraction = dayFraction(dateRange, rows[rows.length - 1].reportDate);
    await deps.onProgress?.(fraction, `${stats.rowsFromAthena} rows read, ${stats.synced} synced`, { ...stats });
  };

  const quarantined = await quarantineUnreadable(deps, log);
  const { sql, params } = dailyAggregatesQuery(dateRange, publicationCode);
  const rows = deps.analytics.query(sql, params, { signal: deps.signal });
  try {
    for await (const batch of validBatches(rows, deps.batchSize, stats, log)) await processBatch(batch);
  } catch (error) {
    // a failed run leaves no write running behind it (the job's retry may start at once)
    await writer.settle();
    throw error;
  }
  const rest = await writer.flushAll();
  stats.synced += rest.synced;
  stats.errors += rest.errors;
  await deps.onProgress?.(1, `${stats.rowsFromAthena} rows read, ${stats.synced} synced`, { ...stats });

  const duration = Date.now() - started;
  log.info({ stats, duration, quarantined: quarantined.length }, 'Sync finished');
  return { success: true, dateRange, stats, duration, ...(quarantined.length > 0 ? { quarantined } : {}) };
}

/**
 * Moves aside the log files the engine cannot read, before the query that would fail on the
 * first of them: the run goes on with the others and names each in its result.
 */
async function quarantineUnreadable(deps: SyncTrackingDeps, log: Logger): Promise<QuarantinedFile[]> {
  const quarantined = (await deps.analytics.quarantineUnreadable?.(deps.signal)) ?? [];
  for (const file of quarantined) log.error(file, 'Unreadable tracking log file quarantined');
  deps.onQuarantined?.(quarantined);
  return quarantined;
}

/** code -> publicationId: publications' own publicationCode over the configured table. */
async function loadPublicationIndex(
  db: Db,
  configured: Readonly<Record<string, number>>,
): Promise<Map<string, number>> {
  const publications = await db
    .collection(PUBLICATIONS)
    .find({ publicationCode: { $exists: true } }, { projection: { publicationId: 1, publicationCode: 1 } })
    .toArray();
  return buildPublicationIndex(
    publications.map((p) => ({ publicationId: p.publicationId, publicationCode: p.publicationCode })),
    configured,
  );
}

/** Valid rows in batches of `size`; each invalid row counted as an error and logged. */
async function* validBatches(
  rows: AsyncIterable<AnalyticsRow>,
  size: number,
  stats: SyncStats,
  log: Logger,
): AsyncIterable<TrackingRow[]> {
  let batch: TrackingRow[] = [];
  for await (const raw of rows) {
    stats.rowsFromAthena += 1;
    const parsed = parseTrackingRow(raw);
    if (!parsed.ok) {
      stats.errors += 1;
      log.error(
        { creativeId: parsed.creativeId, publicationCode: parsed.publicationCode, reason: parsed.reason },
        'Invalid tracking row',
      );
      continue;
    }
    batch.push(parsed.row);
    if (batch.length >= size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

/** How far into the range a day is, for progress: rows come ordered by day. */
function dayFraction(range: DateRange, day: string): number {
  const total = startOfDay(range.end).getTime() - startOfDay(range.start).getTime() + 86_400_000;
  const done = startOfDay(day).getTime() - startOfDay(range.start).getTime() + 86_400_000;
  return Math.min(1, Math.max(0, done / total));
}

/** Maps a batch's publication codes and finds its orders (two queries for the whole batch). */
async function matchBatch(
  rows: TrackingRow[],
  context: { orders: OrderMatcher; publicationIds: Map<string, number>; logger: Logger; stats: SyncStats },
) {
  const located: { row: TrackingRow; publicationId: number }[] = [];
  for (const row of rows) {
    const publicationId = context.publicationIds.get(row.publicationCode);
    if (publicationId === undefined) {
      context.stats.skipped += 1;
      context.logger.warn(
        { creativeId: row.creativeId, publicationCode: row.publicationCode },
        'Publication code not mapped',
      );
      continue;
    }
    located.push({ row, publicationId });
  }
  const findOrder = await context.orders.resolve(
    located.map(({ row, publicationId }) => ({ creativeId: row.creativeId, publicationId })),
  );
  const matched = [];
  for (const { row, publicationId } of located) {
    const match = findOrder({ creativeId: row.creativeId, publicationId });
    if (!match) {
      context.stats.skipped += 1;
      context.logger.warn({ creativeId: row.creativeId, publicationCode: row.publicationCode }, 'Order not found');
      continue;
    }
    matched.push({ row, match });
  }
  return matched;
}
