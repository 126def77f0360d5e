import type { App, Feature } from '../../app';
import { trackingLogsDir } from '../../datasources/analytics';
import { PerformanceEntryResolver } from '../../resolvers/tracking/performanceEntry.resolver';
import { TrackingSyncResolver } from '../../resolvers/tracking/trackingSync.resolver';
import { writeTrackingDemo } from './demo';
import type { TrackingSyncHost } from './runTrackingSync';
import { syncTrackingCommand } from './syncTracking.command';
import { TRACKING_SYNC_JOB, trackingSyncJob } from './trackingSync.job';

/** What a sync uses of the running service. */
export function trackingSyncHost(app: App): TrackingSyncHost {
  return {
    db: app.db,
    analytics: app.ports.analytics,
    logger: app.logger.child({ feature: 'tracking' }),
    registry: app.metrics,
    publisher: app.ports.metricsPublisher,
    config: app.config,
  };
}

/** Tracking sync (seed 001): pixel aggregates into performance entries, and reading them. */
export const trackingFeature: Feature = {
  name: 'tracking',
  resolvers: [PerformanceEntryResolver, TrackingSyncResolver],
  jobTypes: (app) => [trackingSyncJob(() => trackingSyncHost(app))],
  schedules: [
    {
      name: 'TRACKING_SYNC',
      cron: '0 6 * * *',
      jobType: TRACKING_SYNC_JOB,
      params: {},
      description: "Yesterday's pixel-tracking aggregates into performance_entries (seed 001: daily 06:00 UTC)",
    },
  ],
  commands: { 'sync-tracking': syncTrackingCommand(trackingSyncHost) },
  async demo(app) {
    const logsDir = trackingLogsDir(app.config);
    const written = await writeTrackingDemo(app.db, logsDir);
    app.logger.info({ logsDir, ...written }, 'Tracking demo: publications, campaigns, orders, scripts and pixel logs written');
  },
};
