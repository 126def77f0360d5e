import type { App } from '../app';
import { trackingLogsDir } from '../datasources/analytics';
import { PerformanceEntryResolver } from '../resolvers/tracking/performanceEntry.resolver';
import { TrackingSyncResolver } from '../resolvers/tracking/trackingSync.resolver';
import { writeTrackingDemo } from '../services/tracking/demo';
import { AppError } from '../errors';
import { PerformanceQueries } from '../services/tracking/performanceQueries';
import { PerformanceRollups } from '../services/tracking/performanceRollups';
import { RelatedDocuments } from '../services/tracking/relatedDocuments';
import { failedSyncResult, runTrackingSync } from '../services/tracking/runTrackingSync';
import { createSyncMetrics } from '../services/tracking/syncMetrics';
import { syncInputFromFlags } from '../services/tracking/syncTrackingFlags';
import { TRACKING_SYNC_JOB, trackingSyncJob } from '../services/tracking/trackingSync.job';
import type { TrackingServices } from '../services/tracking/trackingServices';
import { retiredTrackingIndexes, trackingIndexes } from '../services/tracking/indexes';
import { defineFeature } from './feature';

function trackingServices(app: App): TrackingServices {
  const rollups = new PerformanceRollups(app.db);
  return {
    sync: {
      db: app.db,
      analytics: app.ports.analytics,
      logger: app.logger.child({ feature: 'tracking' }),
      metrics: createSyncMetrics(app.metrics),
      publisher: app.ports.metricsPublisher,
      config: app.config,
      rollups,
    },
    // on MongoDB the figures' change stream would carry one event per figure a sync changes
    performance: new PerformanceQueries(app.db, app.store.engine === 'embedded' ? app.store.changeClock : undefined),
    related: new RelatedDocuments(app.db),
    jobs: app.jobs,
    rollups,
  };
}

/** Tracking sync (seed 001): pixel aggregates into performance entries, and reading them. */
export const trackingFeature = defineFeature({
  name: 'tracking',
  indexes: trackingIndexes,
  retiredIndexes: retiredTrackingIndexes,
  resolvers: [PerformanceEntryResolver, TrackingSyncResolver],
  services: trackingServices,
  jobTypes: (_app, { sync }) => [trackingSyncJob(() => sync)],
  schedules: [
    {
      name: 'TRACKING_SYNC',
      cron: '0 6 * * *',
      jobType: TRACKING_SYNC_JOB,
      params: {},
      description: "Yesterday's pixel-tracking aggregates into performance_entries (seed 001: daily 06:00 UTC)",
    },
  ],
  commands: {
    // Runs the sync in this process (not as a job) and prints the seed's response JSON; exit
    // code 1 when it failed, as a scheduler or script expects.
    'sync-tracking': {
      description: 'Syncs pixel-tracking aggregates into performance entries now and prints the result JSON',
      usage: 'sync-tracking [--date YYYY-MM-DD] [--days N] [--publication CODE] [--dry-run]',
      async run(_app, flags, _positional, { sync }, out) {
        const input = syncInputFromFlags(flags);
        const started = Date.now();
        let code = 0;
        let result;
        try {
          result = await runTrackingSync(sync, input);
        } catch (error) {
          if (error instanceof AppError && error.code === 'BAD_USER_INPUT') throw error;
          result = failedSyncResult(input, error, Date.now() - started);
          code = 1;
        }
        out.write(`${JSON.stringify(result, null, 2)}\n`);
        return code;
      },
    },
  },
  rebuildStats: async (_app, { rollups }) => ({ days: await rollups.rebuild() }),
  async start(app, { rollups }) {
    const days = await rollups.buildMissing();
    if (days > 0) app.logger.info({ feature: 'tracking', days }, 'performance figures built from the entries');
  },
  async demo(app) {
    const logsDir = trackingLogsDir(app.config);
    const written = await writeTrackingDemo(app.db, logsDir);
    app.logger.info(
      { logsDir, ...written },
      'Tracking demo: publications, campaigns, orders, scripts and pixel logs written',
    );
  },
});
