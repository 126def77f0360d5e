import path from 'node:path';
import { AthenaClient } from '@aws-sdk/client-athena';
import type { Config } from '../../config';
import type { Logger } from '../../logger';
import { AthenaAnalytics } from './athena/athena';
import { DuckDbAnalytics } from './duckdb/duckdb';
import type { AnalyticsPort } from './port';

export * from './port';
export { AthenaAnalytics } from './athena/athena';
export { DuckDbAnalytics } from './duckdb/duckdb';
/** The CloudFront log columns, for writing local log files the DuckDB engine reads. */
export { CLOUDFRONT_LOG_FIELDS } from './duckdb/cloudFrontLogs';

/** Where the embedded engine reads CloudFront logs: TRACKING_LOGS_DIR, else DATA_DIR/tracking-logs. */
export function trackingLogsDir(config: Config): string {
  return config.TRACKING_LOGS_DIR ?? path.join(config.DATA_DIR, 'tracking-logs');
}

/**
 * The analytics engine chosen by ANALYTICS_BACKEND: `duckdb` over local logs (opened on first
 * use), or `athena` (credentials from the AWS SDK's default chain: role, profile or env).
 */
export function createAnalyticsPort(config: Config, logger?: Logger): AnalyticsPort {
  if (config.ANALYTICS_BACKEND === 'duckdb') {
    return new DuckDbAnalytics({ logsDir: trackingLogsDir(config), logger });
  }
  return new AthenaAnalytics({
    client: new AthenaClient({ region: config.AWS_REGION }),
    database: config.ATHENA_DATABASE,
    workgroup: config.ATHENA_WORKGROUP,
    outputLocation: config.ATHENA_OUTPUT_BUCKET,
    queryTimeoutMs: config.ATHENA_QUERY_TIMEOUT_MS,
    pollIntervalMs: config.ATHENA_POLL_INTERVAL_MS,
    maxPollIntervalMs: config.ATHENA_MAX_POLL_INTERVAL_MS,
    maxAttempts: 3,
    retryBackoffMs: config.ATHENA_RETRY_BACKOFF_MS,
    logger,
  });
}
