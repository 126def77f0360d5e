import type { Config } from '../../config';

/** The kinds of data kept for a period, each with its RETENTION_*_DAYS setting. */
export const RETENTION_KINDS = {
  CLICK_EVENTS: 'RETENTION_CLICK_EVENTS_DAYS',
  AGGREGATED_CLICK_EVENTS: 'RETENTION_AGGREGATED_CLICK_EVENTS_DAYS',
  CAMPAIGN_EVENTS: 'RETENTION_CAMPAIGN_EVENTS_DAYS',
  OUTBOX_MESSAGES: 'RETENTION_OUTBOX_DAYS',
  WAVE_MESSAGES: 'RETENTION_WAVE_MESSAGES_DAYS',
  JOB_RECORDS: 'RETENTION_JOBS_DAYS',
  AUDIT_ENTRIES: 'RETENTION_AUDIT_DAYS',
  LAKE_FILES: 'RETENTION_LAKE_DAYS',
} as const satisfies Record<string, keyof Config>;

export type RetentionKind = keyof typeof RETENTION_KINDS;
export type RetentionSetting = (typeof RETENTION_KINDS)[RetentionKind];

/** What retention reads of the configuration. */
export type RetentionConfig = Pick<
  Config,
  RetentionSetting | 'RETENTION_BATCH_SIZE' | 'RETENTION_BATCH_PAUSE_MS' | 'REPORTING_TIME_ZONE'
>;

const DAY_MS = 86_400_000;

/** Days a kind is kept; null when kept for good (a setting of 0). */
export function retentionDays(config: RetentionConfig, kind: RetentionKind): number | null {
  const days = config[RETENTION_KINDS[kind]];
  return days > 0 ? days : null;
}

/** The instant before which a kind's data is past its retention, or null when it is kept for good. */
export function retentionCutoff(config: RetentionConfig, kind: RetentionKind, now: Date): Date | null {
  const days = retentionDays(config, kind);
  return days === null ? null : new Date(now.getTime() - days * DAY_MS);
}
