import type { Config } from '../../../config';
import type { LimitedKey } from '../../rateLimiter/rateLimiter';
import type { WaveConfig } from '../model';
import { CLAIM_FRESH_MS } from './claims';
import type { OptOutScope } from './optOutList';
import { parseQuietHours, type QuietHours } from './quietHours';

export type SendConfig = Pick<
  Config,
  | 'WAVE_GLOBAL_SEGMENTS_PER_SECOND'
  | 'WAVE_SEND_BURST_MS'
  | 'WAVE_SEND_CONCURRENCY'
  | 'WAVE_QUIET_HOURS'
  | 'WAVE_QUIET_HOURS_START'
  | 'WAVE_QUIET_HOURS_END'
  | 'WAVE_MAX_CONSECUTIVE_ERRORS'
  | 'WAVE_OPT_OUT_SCOPE'
  | 'WAVE_OPT_OUT_CONFIRMATION_TEXT'
  | 'WAVE_HELP_TEXT'
  | 'SMS_REQUEST_TIMEOUT_MS'
  | 'PRIVACY_HASH_SECRET'
  | 'NODE_ENV'
  | 'DATA_DIR'
  | 'JOB_VISIBILITY_TIMEOUT_SECONDS'
>;

/** The sending's settings, read once from the configuration. */
export interface SendSettings {
  quiet: QuietHours;
  globalSegmentsPerSecond: number;
  burstMs: number;
  concurrency: number;
  maxConsecutiveErrors: number;
  optOutScope: OptOutScope;
  optOutConfirmationText: string;
  helpText: string;
  /**
   * How long after its claim a message held by a worker that is gone (its job run ended or was
   * taken over) may be settled: the claim's freshness, the provider's timeout and a margin. By
   * then no send of that claim can still start or be under way.
   */
  orphanGraceMs: number;
  /** A claim older than this is settled whoever holds it (a live worker renews before then). */
  claimLeaseMs: number;
  /** A job run whose heartbeat is older than this is gone (the runner's own staleness: the visibility). */
  runStaleMs: number;
}

/** Margin for clocks and the provider's own recording after a timeout. */
const SETTLE_MARGIN_MS = 5000;
const CLAIM_LEASE_MS = 5 * 60_000;

export function sendSettings(config: SendConfig): SendSettings {
  return {
    quiet: parseQuietHours({
      on: config.WAVE_QUIET_HOURS === 'on',
      start: config.WAVE_QUIET_HOURS_START,
      end: config.WAVE_QUIET_HOURS_END,
    }),
    globalSegmentsPerSecond: config.WAVE_GLOBAL_SEGMENTS_PER_SECOND,
    burstMs: config.WAVE_SEND_BURST_MS,
    concurrency: config.WAVE_SEND_CONCURRENCY,
    maxConsecutiveErrors: config.WAVE_MAX_CONSECUTIVE_ERRORS,
    optOutScope: config.WAVE_OPT_OUT_SCOPE,
    optOutConfirmationText: config.WAVE_OPT_OUT_CONFIRMATION_TEXT,
    helpText: config.WAVE_HELP_TEXT,
    orphanGraceMs: CLAIM_FRESH_MS + config.SMS_REQUEST_TIMEOUT_MS + SETTLE_MARGIN_MS,
    claimLeaseMs: Math.max(CLAIM_LEASE_MS, 2 * (CLAIM_FRESH_MS + config.SMS_REQUEST_TIMEOUT_MS + SETTLE_MARGIN_MS)),
    runStaleMs: config.JOB_VISIBILITY_TIMEOUT_SECONDS * 1000,
  };
}

const burstOf = (ratePerSecond: number, burstMs: number) => Math.max(1, Math.floor((ratePerSecond * burstMs) / 1000));

/** The limiter keys a text of a wave takes its segments from: its sender's, then the global cap. */
export function sendingKeys(
  settings: SendSettings,
  config: Pick<WaveConfig, 'sender' | 'segmentsPerSecond'>,
): LimitedKey[] {
  return [
    {
      key: `sms:sender:${config.sender}`,
      limit: { ratePerSecond: config.segmentsPerSecond, burst: burstOf(config.segmentsPerSecond, settings.burstMs) },
    },
    {
      key: 'sms:global',
      limit: {
        ratePerSecond: settings.globalSegmentsPerSecond,
        burst: burstOf(settings.globalSegmentsPerSecond, settings.burstMs),
      },
    },
  ];
}
