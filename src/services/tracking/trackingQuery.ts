import type { SqlParam } from '../../datasources/analytics/port';
import type { DateRange } from './dateRange';

/**
 * The seed's Athena query, with its `DATE '{start_date}'` text substitution replaced by
 * bound parameters: the same string runs on Athena (ExecutionParameters) and on DuckDB
 * (prepared parameters). The publication filter the seed applied after the query is in SQL.
 */
const SELECT_DAILY_AGGREGATES = `SELECT
  DATE_FORMAT(report_date, '%Y-%m-%d') AS report_date,
  creative_id,
  publication_code,
  channel,
  ad_size,
  impressions,
  clicks,
  viewable_impressions,
  unique_ips
FROM ad_tracking.daily_aggregates
WHERE report_date >= CAST(? AS DATE)
  AND report_date <= CAST(? AS DATE)
  AND impressions > 0`;

const ORDER = `
ORDER BY report_date, publication_code, creative_id`;

const PUBLICATION_FILTER = `
  AND lower(publication_code) = ?`;

/** The query and its parameters; every value was validated before it got here. */
export function dailyAggregatesQuery(range: DateRange, publicationCode?: string): { sql: string; params: SqlParam[] } {
  if (publicationCode === undefined) {
    return { sql: SELECT_DAILY_AGGREGATES + ORDER, params: [range.start, range.end] };
  }
  return {
    sql: SELECT_DAILY_AGGREGATES + PUBLICATION_FILTER + ORDER,
    params: [range.start, range.end, publicationCode],
  };
}
