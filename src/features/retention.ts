import type { App } from '../app';
import { HealthRetentionResolver } from '../resolvers/retention/healthRetention.resolver';
import { retentionIndexes } from '../services/retention/indexes';
import { Retention } from '../services/retention/retention';
import { RETENTION_JOB, retentionJob } from '../services/retention/retention.job';
import type { RetentionServices } from '../services/retention/retentionServices';
import { defineFeature } from './feature';

/**
 * Retention: each kind of data (click rows, click and campaign events, outboxes, wave messages,
 * jobs, audit entries, lake files) deleted once past its RETENTION_*_DAYS by a daily sweep, and
 * shown in `health`.
 */
export const retentionFeature = defineFeature({
  name: 'retention',
  services: (app: App): RetentionServices => ({
    retention: new Retention({
      db: app.db,
      objects: app.ports.objects,
      config: app.config,
      logger: app.logger.child({ feature: 'retention' }),
    }),
  }),
  resolvers: [HealthRetentionResolver],
  indexes: retentionIndexes,
  jobTypes: (_app, { retention }) => [retentionJob(retention)],
  schedules: [
    {
      name: 'RETENTION',
      cron: '30 3 * * *',
      jobType: RETENTION_JOB,
      description: 'Deletes what is past its retention (RETENTION_*_DAYS), in batches',
    },
  ],
});
