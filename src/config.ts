import { z } from 'zod';

/**
 * Every setting of the service, parsed and validated once. Nothing else reads process.env.
 * Each variable is documented in README.md (Configuration).
 */

const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

/** An integer variable; every failure says the expected range, e.g. "PORT: an integer from 0 to 65535". */
const int = (min: number, max = Number.MAX_SAFE_INTEGER) => {
  const expected =
    max === Number.MAX_SAFE_INTEGER ? `an integer of at least ${min}` : `an integer from ${min} to ${max}`;
  return z.coerce.number({ error: expected }).int(expected).min(min, expected).max(max, expected);
};

const cronExpression = z.string().min(1);

/**
 * Bounds of every uploaded spreadsheet (lead lists, audience imports), whatever its kind: the
 * defaults of the UPLOAD_* shape settings below, and what a reader given only a size and a row
 * limit applies.
 */
export const spreadsheetDefaults = {
  maxColumns: 256,
  /** Excel's own limit for one cell. */
  maxCellChars: 32_767,
  maxEntryBytes: 1024 ** 3,
  /** Spreadsheets compress their XML 5 to 15 times; a zip bomb, a thousand times. */
  maxCompressionRatio: 100,
  maxFileNameChars: 255,
};

const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: int(0, 65535).default(4000),
  HOST: z.string().default('0.0.0.0'),
  DATA_DIR: z.string().min(1).default('./data'),
  MONGODB_URI: z
    .string()
    .regex(/^mongodb(\+srv)?:\/\//, 'a mongodb:// or mongodb+srv:// connection string')
    .optional(),
  MONGODB_DB_NAME: z.string().min(1).default('campaign-hub'),
  // Embedded store: TTL sweep period, how long change events stay resumable, cross-process poll
  STORE_TTL_INTERVAL_SECONDS: int(1).default(60),
  STORE_OPLOG_RETENTION_HOURS: int(1).default(24),
  STORE_OPLOG_MAX_ENTRIES: int(1000).default(2_000_000),
  STORE_WATCH_POLL_MS: int(5, 10_000).default(25),
  /** Embedded store: write transactions on a thread of their own, never holding the event loop. */
  STORE_WRITER_THREAD: bool.default(true),
  /** The CLI's API key while a service holds DATA_DIR: its writing commands go through the service's API. */
  CLI_API_KEY: z.string().min(1).optional(),

  // Backups (the STORE_BACKUP schedule, off until CRON_STORE_BACKUP is set) and retention: days
  // each kind of data is kept (0: for good), enforced by the RETENTION schedule in batches
  BACKUP_KEEP: int(1, 1000).default(7),
  RETENTION_CLICK_EVENTS_DAYS: int(0).default(180),
  RETENTION_AGGREGATED_CLICK_EVENTS_DAYS: int(0).default(400),
  RETENTION_CAMPAIGN_EVENTS_DAYS: int(0).default(400),
  RETENTION_OUTBOX_DAYS: int(0).default(90),
  RETENTION_WAVE_MESSAGES_DAYS: int(0).default(180),
  RETENTION_JOBS_DAYS: int(0).default(90),
  RETENTION_AUDIT_DAYS: int(0).default(365),
  RETENTION_LAKE_DAYS: int(0).default(730),
  RETENTION_BATCH_SIZE: int(1, 10_000).default(500),
  /** Between two batches of deletes, so pipelines' writes go on (the embedded store has one writer lock). */
  RETENTION_BATCH_PAUSE_MS: int(0, 60_000).default(20),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  PUBLIC_BASE_URL: z.string().url().optional(),

  // HTTP and GraphQL limits
  BODY_LIMIT_BYTES: int(1024).default(1_048_576),
  GRAPHQL_MAX_DEPTH: int(1, 100).default(12),
  GRAPHQL_MAX_COMPLEXITY: int(1).default(5000),
  /** Checked before parsing, with the nesting of braces, brackets and parentheses. */
  GRAPHQL_MAX_QUERY_BYTES: int(64).default(100_000),
  GRAPHQL_MAX_TOKENS: int(16).default(2000),
  GRAPHQL_MAX_NESTING: int(2, 200).default(40),
  /** Filters and lookups become store keys: a query's text arguments and every ID are bounded. */
  GRAPHQL_MAX_LOOKUP_LENGTH: int(16).default(2048),
  /** Stack traces in error responses: for a developer's own machine only, never production. */
  UNSAFE_EXPOSE_STACK_TRACES: bool.default(false),
  ALLOW_ANONYMOUS_VIEWER: bool.default(false),
  SHUTDOWN_TIMEOUT_MS: int(0).default(10_000),
  /** Queries run compiled by graphql-jit (src/server/execution); `off`: graphql's own execute. */
  GRAPHQL_JIT: z.enum(['on', 'off']).default('on'),
  GRAPHQL_JIT_MAX_DOCUMENTS: int(1).default(500),
  /** Shared answers of the dashboard documents that depend only on the role (docs/api.md). */
  RESPONSE_CACHE: z.enum(['on', 'off']).default('on'),
  RESPONSE_CACHE_MAX_ENTRIES: int(1).default(5000),
  RESPONSE_CACHE_MAX_BYTES: int(1024).default(67_108_864),

  // API rate limits: GraphQL operations and their estimated cost per minute, per API key by its
  // role (a key may carry its own); requests without a valid key, per client address
  RATE_LIMITS: z.enum(['on', 'off']).default('on'),
  RATE_LIMIT_ADMIN_REQUESTS_PER_MINUTE: int(1).default(6000),
  RATE_LIMIT_ADMIN_COST_PER_MINUTE: int(1).default(1_200_000),
  RATE_LIMIT_OPERATOR_REQUESTS_PER_MINUTE: int(1).default(3000),
  RATE_LIMIT_OPERATOR_COST_PER_MINUTE: int(1).default(600_000),
  RATE_LIMIT_AGENT_REQUESTS_PER_MINUTE: int(1).default(6000),
  RATE_LIMIT_AGENT_COST_PER_MINUTE: int(1).default(600_000),
  RATE_LIMIT_VIEWER_REQUESTS_PER_MINUTE: int(1).default(1200),
  RATE_LIMIT_VIEWER_COST_PER_MINUTE: int(1).default(300_000),
  RATE_LIMIT_ANONYMOUS_REQUESTS_PER_MINUTE: int(1).default(60),
  RATE_LIMIT_ANONYMOUS_COST_PER_MINUTE: int(1).default(6000),

  // Queues and jobs
  QUEUE_BACKEND: z.enum(['embedded', 'sqs']).default('embedded'),
  QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]*$/, 'letters, digits, - and _')
    .default(''),
  SQS_ENDPOINT: z.string().url().optional(),
  AWS_REGION: z.string().min(1).default('us-east-1'),
  JOB_WORKERS: bool.default(true),
  JOB_CONCURRENCY: int(1, 256).default(4),
  SCHEDULES: bool.default(true),
  /** Embedded queue: longest sleep of a long poll between checks (sends wake it earlier). */
  QUEUE_POLL_INTERVAL_MS: int(10, 60_000).default(1000),
  /** Long-poll wait of job workers (SQS allows up to 20 s). */
  JOB_POLL_WAIT_SECONDS: int(0, 20).default(10),
  /** A running job's message stays invisible this long; the worker extends it while it runs. */
  JOB_VISIBILITY_TIMEOUT_SECONDS: z.coerce.number().min(0.1).max(43_200).default(60),
  /** Graceful stop: how long running jobs may finish before their messages are released. */
  JOB_STOP_TIMEOUT_MS: int(0).default(8000),

  // Analytics (tracking sync)
  ANALYTICS_BACKEND: z.enum(['duckdb', 'athena']).default('duckdb'),
  ATHENA_DATABASE: z.string().min(1).default('ad_tracking'),
  ATHENA_WORKGROUP: z.string().min(1).default('primary'),
  ATHENA_OUTPUT_BUCKET: z
    .string()
    .regex(/^s3:\/\//, 'an s3:// location')
    .optional(),
  TRACKING_LOGS_DIR: z.string().min(1).optional(),
  ATHENA_QUERY_TIMEOUT_MS: int(1000).default(180_000),
  ATHENA_POLL_INTERVAL_MS: int(10).default(500),
  ATHENA_MAX_POLL_INTERVAL_MS: int(10).default(5_000),
  ATHENA_RETRY_BACKOFF_MS: int(0).default(2_000),
  TRACKING_SYNC_BATCH_SIZE: int(1, 50_000).default(250),
  TRACKING_PUBLICATION_CODES: z
    .string()
    .regex(
      /^\s*[A-Za-z0-9_-]{1,64}\s*=\s*\d+\s*(,\s*[A-Za-z0-9_-]{1,64}\s*=\s*\d+\s*)*$/,
      'code=publicationId,code=publicationId',
    )
    .optional(),
  METRICS_BACKEND: z.enum(['prometheus', 'cloudwatch']).default('prometheus'),

  // Objects (files)
  OBJECTS_BACKEND: z.enum(['local', 's3']).default('local'),
  S3_BUCKET: z.string().min(1).optional(),
  S3_ENDPOINT: z.string().url().optional(),
  S3_FORCE_PATH_STYLE: bool.default(false),

  // Marketing Cloud click sync
  SFMC_BACKEND: z.enum(['local', 'rest']).default('local'),
  SFMC_BUSINESS_UNITS: z.string().optional(),
  REPORTING_TIME_ZONE: z.string().min(1).default('America/Chicago'),
  /** Token and REST base URLs; {subdomain} is replaced by the business unit's tenant subdomain. */
  SFMC_AUTH_BASE_URL: z.string().min(1).default('https://{subdomain}.auth.marketingcloudapis.com'),
  SFMC_REST_BASE_URL: z.string().min(1).default('https://{subdomain}.rest.marketingcloudapis.com'),
  SFMC_RETRY_ATTEMPTS: int(1, 20).default(5),
  SFMC_RETRY_BASE_MS: int(0).default(500),
  CLICKS_PAGE_SIZE: int(1, 2500).default(2500),
  CLICKS_BATCH_SIZE: int(1, 5000).default(500),
  CLICKS_ACK_BATCH_SIZE: int(1, 5000).default(2000),
  CLICKS_WRITE_ROWS: int(1, 5000).default(5000),
  CLICKS_LIVE_WRITE_ROWS: int(1, 5000).default(80),
  CLICKS_LOOKBACK_MINUTES: int(0).default(0),
  /** A loader's hold on its business unit, renewed by a heartbeat: how long a dead loader blocks the next one. */
  CLICKS_LOAD_LEASE_SECONDS: int(1, 3600).default(10),
  /** A click message's invisibility, extended while a worker holds it: how soon a dead worker's messages return. */
  CLICKS_VISIBILITY_SECONDS: int(1, 43_200).default(10),

  // Lead routing
  UPLOAD_MAX_BYTES: int(1).default(20 * 1024 * 1024),
  UPLOAD_MAX_ROWS: int(1).default(100_000),
  // Every upload, whatever its kind: spreadsheet shape, .xlsx (zip) inflation, file names
  UPLOAD_MAX_COLUMNS: int(1, 16_384).default(spreadsheetDefaults.maxColumns),
  UPLOAD_MAX_CELL_CHARS: int(1).default(spreadsheetDefaults.maxCellChars),
  UPLOAD_XLSX_MAX_ENTRY_BYTES: int(1024).default(spreadsheetDefaults.maxEntryBytes),
  UPLOAD_XLSX_MAX_COMPRESSION_RATIO: int(1).default(spreadsheetDefaults.maxCompressionRatio),
  UPLOAD_FILENAME_MAX_CHARS: int(16, 1024).default(spreadsheetDefaults.maxFileNameChars),
  LEAD_ROUTING_MODEL: z.enum(['LEAST_ACTIVE', 'MOST_AVAILABLE']).default('LEAST_ACTIVE'),
  LEAD_PUSH_TIMEOUT_SECONDS: int(1).default(120),
  LEAD_TIMEOUT_PRESENCE: z.enum(['ONLINE', 'AWAY', 'BUSY', 'OFFLINE']).default('OFFLINE'),
  AGENT_DISCONNECT_GRACE_SECONDS: int(0).default(10),

  // Campaigns
  MESSAGING_BACKEND: z.enum(['outbox', 'ses']).default('outbox'),
  SES_FROM_ADDRESS: z.string().email().optional(),
  TRACKING_SECRET: z.string().min(16, 'at least 16 characters').optional(),
  AUDIENCE_IMPORT_MAX_BYTES: int(1).default(512 * 1024 * 1024),
  AUDIENCE_IMPORT_MAX_ROWS: int(1).default(2_000_000),
  CAMPAIGN_EVENTS_EXPORT_LAG_SECONDS: int(0).default(120),
  /** The country (ISO 3166-1 alpha-2) a member's phone is read in when it has no + prefix and no country column. */
  MEMBER_PHONE_COUNTRY: z
    .string()
    .regex(/^[A-Za-z]{2}$/, 'a two-letter country code')
    .transform((code) => code.toUpperCase())
    .default('US'),
  /** The time zone quiet hours use for a member texted by a MOBILE campaign who has none. */
  MEMBER_TIME_ZONE: z
    .string()
    .refine((zone) => {
      try {
        new Intl.DateTimeFormat('en-US', { timeZone: zone });
        return true;
      } catch {
        return false;
      }
    }, 'an IANA time zone')
    .default('America/New_York'),

  // Fan campaigns
  /** POST /ingest/fans: the largest NDJSON body (its own limit, not BODY_LIMIT_BYTES). */
  FAN_INGEST_MAX_BYTES: int(1024).default(64 * 1024 * 1024),
  /** Queue that upstream producers send fan records to (one JSON record or an array per message). */
  FAN_INGEST_QUEUE: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,60}$/, '1-60 letters, digits, - and _')
    .default('fan-records'),
  /** Queue the code-assignment verdicts are published on, one message per batch. */
  FAN_VERDICTS_QUEUE: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,60}$/, '1-60 letters, digits, - and _')
    .default('verdicts'),
  /** Lake files: a record type's buffer is written as one Avro file at this many records or this age. */
  FAN_LAKE_FLUSH_RECORDS: int(1, 1_000_000).default(10_000),
  FAN_LAKE_FLUSH_SECONDS: int(1, 3600).default(60),
  /** Record types the scheduled daily and monthly merges take (comma-separated). */
  FAN_LAKE_MERGE_TYPES: z
    .string()
    .regex(/^\s*[A-Za-z]+\s*(,\s*[A-Za-z]+\s*)*$/, 'record types separated by commas')
    .default('registration'),
  /** Code assignments processed together: one lookup round and one verdict message per batch. */
  FAN_ASSIGN_BATCH_SIZE: int(1, 1000).default(25),
  SCORED_FILE_MAX_BYTES: int(1).default(2 * 1024 ** 3),
  SCORED_FILE_MAX_ROWS: int(1).default(50_000_000),
  FANLIST_MAX_BYTES: int(1).default(512 * 1024 * 1024),
  FANLIST_MAX_ROWS: int(1).default(10_000_000),
  /** How often scored/ and fanlist/uploaded/ on the objects port are listed for new files (0: never). */
  FAN_FILES_POLL_SECONDS: int(0, 86_400).default(60),
  CODES_UPLOAD_MAX_BYTES: int(1).default(256 * 1024 * 1024),
  CODES_UPLOAD_MAX_ROWS: int(1).default(5_000_000),
  /** Slack incoming webhook for fan-campaign stats; unset: messages go to the embedded Slack outbox. */
  SLACK_WEBHOOK_URL: z.string().url().optional(),
  SLACK_RETRY_ATTEMPTS: int(1, 20).default(5),
  /** Fans the demo registers (`npm run demo`). */
  DEMO_FAN_REGISTRATIONS: int(0, 1_000_000).default(50_000),
  /** uploadWave and createWaveFromPrep: the largest recipients file and its most rows. */
  WAVE_UPLOAD_MAX_BYTES: int(1).default(128 * 1024 * 1024),
  WAVE_UPLOAD_MAX_ROWS: int(1).default(500_000),
  /** Segments per second a wave's sender may be given at most, by kind of sender. */
  WAVE_RATE_LONG_CODE: z.coerce.number({ error: 'a number above 0' }).positive().default(1),
  WAVE_RATE_TOLL_FREE: z.coerce.number({ error: 'a number above 0' }).positive().default(3),
  WAVE_RATE_SHORT_CODE: z.coerce.number({ error: 'a number above 0' }).positive().default(100),
  /** The external offer-code service; unset: offer codes are only kept in the service's own code store. */
  OFFER_CODES_URL: z.string().url().optional(),
  /** Sent as `Authorization: Bearer <key>` to OFFER_CODES_URL (a secret). */
  OFFER_CODES_API_KEY: z.string().min(1).optional(),
  OFFER_CODES_RETRY_ATTEMPTS: int(1, 20).default(5),
  OFFER_CODES_TIMEOUT_MS: int(100, 120_000).default(10_000),
  /** Sending waves: segments per second over every sender together (the global cap of the limiter). */
  WAVE_GLOBAL_SEGMENTS_PER_SECOND: z.coerce.number({ error: 'a number above 0' }).positive().default(1000),
  /** How many milliseconds of a sender's rate may leave at once (the limiter's burst; at least 1 segment). */
  WAVE_SEND_BURST_MS: int(0, 10_000).default(20),
  /** Texts of one sender awaiting the provider's answer at once, per process. */
  WAVE_SEND_CONCURRENCY: int(1, 256).default(6),
  /** No texts between WAVE_QUIET_HOURS_START and WAVE_QUIET_HOURS_END in the recipient's time zone. */
  WAVE_QUIET_HOURS: z.enum(['on', 'off']).default('on'),
  WAVE_QUIET_HOURS_START: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time of day as HH:MM')
    .default('21:00'),
  WAVE_QUIET_HOURS_END: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time of day as HH:MM')
    .default('08:00'),
  /** Provider errors in a row after which a sending wave pauses itself. */
  WAVE_MAX_CONSECUTIVE_ERRORS: int(1, 10_000).default(20),
  /** Whom a STOP stops: the brand of the sender it was sent to, or every brand. */
  WAVE_OPT_OUT_SCOPE: z.enum(['brand', 'global']).default('brand'),
  WAVE_OPT_OUT_CONFIRMATION_TEXT: z
    .string()
    .min(1)
    .max(320)
    .default('You are unsubscribed and will get no more texts from us. Reply START to subscribe again.'),
  WAVE_HELP_TEXT: z
    .string()
    .min(1)
    .max(320)
    .default('Fan offers by text. Msg & data rates may apply. Reply STOP to unsubscribe, START to subscribe again.'),

  // SMS (the fan waves' texts; independent of MESSAGING_BACKEND)
  SMS_BACKEND: z.enum(['outbox', 'aws', 'twilio']).default('outbox'),
  /** Outbox engine: how long after a send it produces the text's delivery receipt. */
  SMS_OUTBOX_RECEIPT_DELAY_MS: int(0, 3_600_000).default(2000),
  /** Outbox engine: share of texts whose receipt is a failure, 0 to 1. */
  SMS_OUTBOX_FAIL_RATE: z.coerce.number({ error: 'a number from 0 to 1' }).min(0).max(1).default(0),
  SMS_OUTBOX_FAIL_CODES: z
    .string()
    .regex(/^\s*\d{5}\s*(,\s*\d{5}\s*)*$/, 'Twilio error numbers separated by commas')
    .default('30003,30007'),
  SMS_AWS_CONFIGURATION_SET: z.string().min(1).optional(),
  /** Queue the configuration set's SNS event destination is subscribed to. */
  SMS_AWS_EVENTS_QUEUE: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,60}$/, '1-60 letters, digits, - and _')
    .default('sms-events'),
  /** Queue of the two-way SMS topic, when not the events queue. */
  SMS_AWS_INBOUND_QUEUE: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,60}$/, '1-60 letters, digits, - and _')
    .optional(),
  SMS_REQUEST_TIMEOUT_MS: int(100, 120_000).default(10_000),
  TWILIO_ACCOUNT_SID: z
    .string()
    .regex(/^AC[0-9a-fA-F]{32}$/, 'AC followed by 32 hexadecimal digits')
    .optional(),
  TWILIO_AUTH_TOKEN: z.string().min(1).optional(),
  TWILIO_API_BASE_URL: z.string().url().default('https://api.twilio.com'),

  // Personal data (export, erasure, suppression)
  /** Keys the hashes of erased and suppressed e-mails and numbers (a secret; never changed once set). */
  PRIVACY_HASH_SECRET: z.string().min(32, 'at least 32 characters').optional(),
  /** How long a personal-data export stays on the objects port before the daily sweep deletes it. */
  PRIVACY_EXPORT_KEEP_DAYS: int(1, 365).default(7),
});

export type Config = z.infer<typeof schema> & {
  /** CRON_<NAME> overrides: a cron expression, or "off". */
  cronOverrides: Record<string, string>;
};

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/**
 * Reads a secret whose variable name comes from configuration (SFMC_BUSINESS_UNITS names the
 * client id/secret variables of each business unit), so the secret never sits in that JSON.
 */
export function readSecretEnv(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const value = env[name];
  return value === undefined || value === '' ? undefined : value;
}

/** Parses the environment; throws one ConfigError naming every bad variable and what it expects. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(present);
  const problems: string[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      problems.push(`${issue.path.join('.')}: ${issue.message}`);
    }
  }
  const cronOverrides: Record<string, string> = {};
  for (const [key, value] of Object.entries(present)) {
    if (!key.startsWith('CRON_') || value === undefined) continue;
    const check = cronExpression.safeParse(value);
    if (!check.success) problems.push(`${key}: a cron expression or "off"`);
    else cronOverrides[key.slice('CRON_'.length)] = value;
  }
  if (parsed.data?.NODE_ENV === 'production' && parsed.data.UNSAFE_EXPOSE_STACK_TRACES) {
    problems.push('UNSAFE_EXPOSE_STACK_TRACES: not allowed with NODE_ENV=production');
  }
  if (problems.length > 0 || !parsed.success) {
    throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
  }
  return { ...parsed.data, cronOverrides };
}
