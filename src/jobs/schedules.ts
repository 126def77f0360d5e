import type { ScheduleDefinition } from '../app';

/**
 * Every schedule of the service, in one place, with the defaults of the seeds (all UTC).
 * CRON_<NAME> overrides an expression ("off" disables it). A feature may declare a schedule of
 * the same name through Feature.schedules: its fields replace the default's, and CRON_<NAME>
 * still wins. A schedule whose job type no feature registers is listed by the `schedules` query
 * (registered: false) but never fires.
 */
export const defaultSchedules: ScheduleDefinition[] = [
  {
    name: 'TRACKING_SYNC',
    cron: '0 6 * * *',
    jobType: 'tracking-sync',
    description: 'Athena pixel-tracking aggregates into performance_entries (seed 001: daily 06:00 UTC)',
  },
  {
    name: 'CLICKS_LOAD',
    cron: '*/5 * * * *',
    jobType: 'clicks-load',
    description: 'Marketing Cloud e-mail click events into the click pipeline (seed 000: every 5 minutes)',
  },
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
    name: 'WAVE_SCHEDULER',
    cron: '*/5 * * * *',
    jobType: 'wave-scheduler',
    description: 'Starts SMS waves that are due (seed 004 smsWaveScheduler: every 5 minutes)',
  },
  {
    name: 'AVRO_MERGE_DAILY',
    cron: '0 10 * * *',
    jobType: 'avro-merge',
    params: { type: 'daily' },
    description: "Merges the day's Avro registration files (seed 004 mergeAvroFiles: daily 10:00 UTC)",
  },
  {
    name: 'AVRO_MERGE_MONTHLY',
    cron: '0 9 2 * *',
    jobType: 'avro-merge',
    params: { type: 'monthly' },
    description: "Merges the month's Avro registration files (seed 004 mergeAvroFiles: day 2, 09:00 UTC)",
  },
];
