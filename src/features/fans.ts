import type { App } from '../app';
import { fanIndexes } from '../services/fans/indexes';
import type { FanServices } from '../services/fans/services';
import { defineFeature } from './feature';

function fanServices(app: App): FanServices {
  return {};
}

/**
 * Verified Fan campaigns (seed 004, part 1): registrations, the Avro lake and its merges, scored
 * files, fanlist ranks, code pools and code assignment, stats for admins and Slack.
 */
export const fansFeature = defineFeature({
  name: 'fans',
  services: fanServices,
  indexes: fanIndexes,
  resolvers: [],
  jobTypes: () => [],
  schedules: [
    {
      name: 'FAN_STATS',
      cron: '*/5 * * * *',
      jobType: 'fan-stats',
      description: 'Admin stats of open fan campaigns (seed 004 saveStats: every 5 minutes)',
    },
    {
      name: 'SLACK_STATS',
      cron: '*/30 * * * *',
      jobType: 'slack-stats',
      description: 'Open-campaign stats posted to Slack (seed 004 slackStats: every 30 minutes)',
    },
    {
      name: 'AVRO_MERGE_DAILY',
      cron: '0 10 * * *',
      jobType: 'avro-merge',
      params: { type: 'daily' },
      description:
        "Merges the day before's Avro files of FAN_LAKE_MERGE_TYPES (seed 004 mergeAvroFiles: daily 10:00 UTC)",
    },
    {
      name: 'AVRO_MERGE_MONTHLY',
      cron: '0 9 2 * *',
      jobType: 'avro-merge',
      params: { type: 'monthly' },
      description:
        "Merges the month before's Avro files of FAN_LAKE_MERGE_TYPES (seed 004 mergeAvroFiles: day 2, 09:00 UTC)",
    },
  ],
  commands: {},
});
