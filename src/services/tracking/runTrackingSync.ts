import type { Config } from '../../config';
import type { AnalyticsPort } from '../../datasources/analytics/port';
import type { MetricsPublisher } from '../../datasources/metrics';
import type { Db } from '../../datasources/store';
import { AppError } from '../../errors';
import type { Logger } from '../../logger';
import { resolveDateRange } from './dateRange';
import type { PerformanceRollups } from './performanceRollups';
import { parsePublicationCodeMap } from './publicationCodes';
import { recordSyncRun, type SyncMetrics } from './syncMetrics';
import { syncTracking, type SyncStats, type SyncTrackingInput, type SyncTrackingResult } from './syncTracking';

/** What a sync needs from its host: the job runner, the CLI and the Lambda handler alike. */
export interface TrackingSyncHost {
  db: Db;
  analytics: AnalyticsPort;
  logger: Logger;
  metrics: SyncMetrics;
  publisher: MetricsPublisher;
  config: Pick<Config, 'TRACKING_SYNC_BATCH_SIZE' | 'TRACKING_PUBLICATION_CODES'>;
  /** The performance figures kept beside the entries (the app's one). */
  rollups?: PerformanceRollups;
}

export interface RunOptions {
  signal?: AbortSignal;
  onProgress?: (fraction: number, message: string, stats: SyncStats) => Promise<void>;
}

/**
 * Runs one sync and records its metrics, whatever the outcome. Bad input throws at once
 * (BAD_USER_INPUT) and records nothing; any other failure is recorded and rethrown.
 */
export async function runTrackingSync(
  host: TrackingSyncHost,
  input: SyncTrackingInput,
  options: RunOptions = {},
): Promise<SyncTrackingResult> {
  const started = Date.now();
  const dryRun = input.dryRun ?? false;
  let quarantinedFiles = 0;
  try {
    const result = await syncTracking(input, {
      db: host.db,
      analytics: host.analytics,
      logger: host.logger,
      publicationCodes: parsePublicationCodeMap(host.config.TRACKING_PUBLICATION_CODES),
      batchSize: host.config.TRACKING_SYNC_BATCH_SIZE,
      signal: options.signal,
      onProgress: options.onProgress,
      onQuarantined: (files) => (quarantinedFiles += files.length),
      rollups: host.rollups,
    });
    const run = { stats: result.stats, durationMs: result.duration, success: true, dryRun, quarantinedFiles };
    await recordSyncRun(host, run);
    return result;
  } catch (error) {
    if (error instanceof AppError && error.code === 'BAD_USER_INPUT') throw error;
    const stats = { rowsFromAthena: 0, synced: 0, skipped: 0, errors: 0 };
    await recordSyncRun(host, { stats, durationMs: Date.now() - started, success: false, dryRun, quarantinedFiles });
    host.logger.error({ err: error }, 'Sync failed');
    throw error;
  }
}

/** The seed's failure response, with the range when the input named a valid one. */
export function failedSyncResult(input: SyncTrackingInput, error: unknown, durationMs: number): SyncTrackingResult {
  let dateRange = { start: '', end: '' };
  try {
    dateRange = resolveDateRange(input);
  } catch {
    // The input itself was bad: the seed answers with an empty range.
  }
  return {
    success: false,
    dateRange,
    stats: { rowsFromAthena: 0, synced: 0, skipped: 0, errors: 0 },
    duration: durationMs,
    error: error instanceof Error ? error.message : String(error),
  };
}
