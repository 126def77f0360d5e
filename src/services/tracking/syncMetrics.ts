import { Counter, Histogram, type Registry } from 'prom-client';
import type { MetricsPublisher } from '../../datasources/metrics';
import type { Logger } from '../../logger';
import type { SyncStats } from './syncTracking';

export const CLOUDWATCH_NAMESPACE = 'EmpowerLocal/TrackingSync';

/** The sync's Prometheus instruments. */
export interface SyncMetrics {
  rowsSynced: Counter<'dry_run'>;
  rowsSkipped: Counter<'dry_run'>;
  errors: Counter<'dry_run'>;
  quarantinedFiles: Counter;
  runs: Counter<'outcome' | 'dry_run'>;
  duration: Histogram<'outcome'>;
}

/** Registers the sync's instruments on `registry`: once per registry, by whoever owns it. */
export function createSyncMetrics(registry: Registry): SyncMetrics {
  const registers = [registry];
  return {
    rowsSynced: new Counter({
      name: 'tracking_sync_rows_synced_total',
      help: 'Tracking rows written to performance entries',
      labelNames: ['dry_run'],
      registers,
    }),
    rowsSkipped: new Counter({
      name: 'tracking_sync_rows_skipped_total',
      help: 'Tracking rows without a publication or order',
      labelNames: ['dry_run'],
      registers,
    }),
    errors: new Counter({
      name: 'tracking_sync_errors_total',
      help: 'Tracking rows that were invalid or failed to write',
      labelNames: ['dry_run'],
      registers,
    }),
    quarantinedFiles: new Counter({
      name: 'tracking_sync_quarantined_files_total',
      help: 'Tracking log files a sync could not read and moved aside',
      registers,
    }),
    runs: new Counter({
      name: 'tracking_sync_runs_total',
      help: 'Tracking sync runs by outcome',
      labelNames: ['outcome', 'dry_run'],
      registers,
    }),
    duration: new Histogram({
      name: 'tracking_sync_duration_seconds',
      help: 'Duration of a tracking sync run',
      labelNames: ['outcome'],
      buckets: [0.1, 0.5, 1, 5, 15, 30, 60, 120, 240, 600],
      registers,
    }),
  };
}

/**
 * Records a run: always on the Prometheus instruments, and as the seed's four CloudWatch metrics
 * when the publisher pushes there, with QuarantinedFiles when the run moved files aside (the
 * alarm QuarantinedFiles > 0, missing data not breaching). Dry runs are left out of CloudWatch,
 * whose alarms (RowsSynced = 0 two days running, Errors > 100) are about real runs. A failed
 * push is logged, never thrown: the entries are already written.
 */
export async function recordSyncRun(
  target: { metrics: SyncMetrics; publisher: MetricsPublisher; logger: Logger },
  run: { stats: SyncStats; durationMs: number; success: boolean; dryRun: boolean; quarantinedFiles?: number },
): Promise<void> {
  const dryRun = String(run.dryRun);
  const outcome = run.success ? 'success' : 'failure';
  const { metrics } = target;
  metrics.rowsSynced.inc({ dry_run: dryRun }, run.stats.synced);
  metrics.rowsSkipped.inc({ dry_run: dryRun }, run.stats.skipped);
  metrics.errors.inc({ dry_run: dryRun }, run.stats.errors);
  const quarantined = run.quarantinedFiles ?? 0;
  metrics.quarantinedFiles.inc(quarantined);
  metrics.runs.inc({ outcome, dry_run: dryRun });
  metrics.duration.observe({ outcome }, run.durationMs / 1000);
  if (run.dryRun) return;
  try {
    await target.publisher.publish(CLOUDWATCH_NAMESPACE, [
      { name: 'RowsSynced', value: run.stats.synced, unit: 'Count' },
      { name: 'RowsSkipped', value: run.stats.skipped, unit: 'Count' },
      { name: 'Errors', value: run.stats.errors, unit: 'Count' },
      { name: 'Duration', value: run.durationMs, unit: 'Milliseconds' },
      ...(quarantined > 0 ? [{ name: 'QuarantinedFiles', value: quarantined, unit: 'Count' as const }] : []),
    ]);
  } catch (error) {
    target.logger.warn({ err: error, namespace: CLOUDWATCH_NAMESPACE }, 'Tracking sync metrics were not published');
  }
}
