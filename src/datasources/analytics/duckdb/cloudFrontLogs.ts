/**
 * The 33 fields of a CloudFront standard access log line, in file order (the `#Fields:` header).
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/standard-logs-reference.html
 */
export const CLOUDFRONT_LOG_FIELDS = [
  'date',
  'time',
  'x-edge-location',
  'sc-bytes',
  'c-ip',
  'cs-method',
  'cs(Host)',
  'cs-uri-stem',
  'sc-status',
  'cs(Referer)',
  'cs(User-Agent)',
  'cs-uri-query',
  'cs(Cookie)',
  'x-edge-result-type',
  'x-edge-request-id',
  'x-host-header',
  'cs-protocol',
  'cs-bytes',
  'time-taken',
  'x-forwarded-for',
  'ssl-protocol',
  'ssl-cipher',
  'x-edge-response-result-type',
  'cs-protocol-version',
  'fle-status',
  'fle-encrypted-fields',
  'c-port',
  'time-to-first-byte',
  'x-edge-detailed-result-type',
  'sc-content-type',
  'sc-content-len',
  'sc-range-start',
  'sc-range-end',
] as const;

export type CloudFrontLogField = (typeof CLOUDFRONT_LOG_FIELDS)[number];

/** DuckDB column name of a log field: lower snake case ("cs(Host)" -> "cs_host"). */
export function columnName(field: string): string {
  return field
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_|_$/g, '');
}

/** SQL string literal; used only for the log directory glob, which comes from configuration. */
export function sqlString(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/**
 * CloudFront has appended fields to its format over the years; spare trailing columns let a
 * line with a few new fields still be read by the 33 known ones instead of being dropped.
 */
const SPARE_FIELDS = Array.from({ length: 8 }, (_, i) => `spare-${i + 1}`);
const ALL_FIELDS = [...CLOUDFRONT_LOG_FIELDS, ...SPARE_FIELDS];

const columnsStruct = `{${ALL_FIELDS.map((f) => `${sqlString(columnName(f))}: 'VARCHAR'`).join(', ')}}`;

/**
 * Every line of every gzipped log under the glob, all fields as text. Two header lines per
 * file are skipped (skip applies per file); `comment='#'` is not used because it broke the
 * sniffer. Short lines are padded with NULLs and lines with far too many fields are dropped
 * (ignore_errors), so a malformed line can never match a hit and never breaks the view.
 */
export function rawLinesSql(glob: string): string {
  return `SELECT * FROM read_csv(${sqlString(glob)}, delim='\\t', skip=2, header=false, auto_detect=false,
    columns=${columnsStruct}, ignore_errors=true, null_padding=true, quote='', escape='',
    compression='gzip', filename=false)`;
}

/** The same columns with no rows, for when the log directory holds no file yet. */
export function emptyLinesSql(): string {
  return `SELECT ${ALL_FIELDS.map((f) => `CAST(NULL AS VARCHAR) AS ${columnName(f)}`).join(', ')} WHERE false`;
}

/** One query-string parameter of cs-uri-query, URL-decoded ("+" is a space); NULL when absent or undecodable. */
function queryParam(name: string): string {
  const raw = `regexp_extract(cs_uri_query, '(?:^|&)${name}=([^&]*)', 1)`;
  return `NULLIF(try(url_decode(replace(${raw}, '+', '%20'))), '')`;
}

/**
 * Statements that build ad_tracking.daily_aggregates over ad_tracking.log_lines. A hit is a
 * GET of /t.gif with e=impression|click|viewable and both cr and pub; impressions and viewable
 * impressions count with status 200, clicks with 200 or 302 (the pixel may redirect).
 */
export const AGGREGATE_VIEWS_SQL = [
  `CREATE OR REPLACE VIEW ad_tracking.pixel_hits AS
   SELECT TRY_CAST("date" AS DATE) AS report_date, c_ip, sc_status,
     lower(${queryParam('e')}) AS event, ${queryParam('cr')} AS creative_id, ${queryParam('pub')} AS publication_code,
     ${queryParam('ch')} AS channel, ${queryParam('sz')} AS ad_size
   FROM ad_tracking.log_lines
   WHERE cs_method = 'GET' AND cs_uri_stem = '/t.gif'`,
  `CREATE OR REPLACE VIEW ad_tracking.counted_hits AS
   SELECT * FROM ad_tracking.pixel_hits
   WHERE report_date IS NOT NULL AND creative_id IS NOT NULL AND publication_code IS NOT NULL
     AND ((event IN ('impression', 'viewable') AND sc_status = '200')
       OR (event = 'click' AND sc_status IN ('200', '302')))`,
  `CREATE OR REPLACE VIEW ad_tracking.daily_aggregates AS
   SELECT report_date, creative_id, publication_code, channel, ad_size,
     count(*) FILTER (WHERE event = 'impression') AS impressions,
     count(*) FILTER (WHERE event = 'click') AS clicks,
     count(*) FILTER (WHERE event = 'viewable') AS viewable_impressions,
     count(DISTINCT c_ip) AS unique_ips
   FROM ad_tracking.counted_hits
   GROUP BY report_date, creative_id, publication_code, channel, ad_size`,
];

/**
 * Athena/Presto functions the seed's SQL uses that DuckDB lacks. DATE_FORMAT takes MySQL
 * specifiers; the date ones (%Y %m %d) and %H are the same in strftime, which wants its format
 * as a constant, so the macro passes it through untouched. DATE 'YYYY-MM-DD' literals are
 * native to DuckDB.
 */
export const COMPATIBILITY_MACROS_SQL = [
  `CREATE OR REPLACE MACRO date_format(d, f) AS strftime(CAST(d AS TIMESTAMP), f)`,
];
