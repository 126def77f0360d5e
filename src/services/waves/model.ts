import type { SmsMessageType } from '../../datasources/sms';

/**
 * The stored shapes of SMS waves (seed 004, part 2): a wave of one fan campaign, one message per
 * recipient, the opt-out list, wave preps and the shared rate limiter. Resolvers map them to
 * GraphQL types; nothing here leaves the server raw.
 */

export const WAVES = 'waves';
export const WAVE_MESSAGES = 'waveMessages';
export const OPT_OUTS = 'optOuts';
export const WAVE_PREPS = 'wavePreps';
/** Token buckets shared by every worker and instance (the generic limiter, rateLimiter.ts). */
export const RATE_LIMITS = 'rateLimits';

export type WaveStatus = 'DRAFT' | 'SCHEDULED' | 'SENDING' | 'PAUSED' | 'SENT' | 'CANCELLED' | 'FAILED';

export type WaveMessageStatus =
  | 'PENDING'
  | 'SENDING'
  | 'SENT'
  | 'DELIVERED'
  | 'UNDELIVERED'
  | 'FAILED'
  | 'UNCERTAIN'
  | 'EXPIRED'
  | 'SKIPPED'
  | 'FALLBACK_EMAIL';

/** Long code 1 segment/s, toll-free 3, short code 100 by default (WAVE_RATE_* settings). */
export type SenderKind = 'LONG_CODE' | 'TOLL_FREE' | 'SHORT_CODE';

export interface WaveConfig {
  campaignId: string;
  notifyDate: Date;
  generateOfferCode: boolean;
  /** `{{firstName}}`, `{{code}}`, `{{link}}` and any column of the upload. */
  messageTemplate: string;
  /** The fallback e-mail: subject and body templates, same placeholders. */
  emailSubjectTemplate: string | null;
  emailTemplate: string | null;
  /** After notifyDate + this, an unsent message is EXPIRED, never sent late. */
  validitySeconds: number;
  /** Segments per second for this wave, at most the sender's cap. */
  segmentsPerSecond: number;
  /** Origination identity / Messaging Service SID / From. */
  sender: string;
  senderKind: SenderKind;
  messageType: SmsMessageType;
  /** Opt-outs are kept per brand: a STOP to one brand's sender stops that brand's waves. */
  brand: string;
}

/** The seed's `{ ok, sms, email, failed, total }` and what the service adds. */
export interface WaveCounts {
  total: number;
  ok: number;
  sms: number;
  email: number;
  failed: number;
  delivered: number;
  undelivered: number;
  optedOut: number;
  expired: number;
  uncertain: number;
  skipped: number;
  segments: number;
}

/** The counts of a wave of `total` messages none of which went yet. */
export const unsentCounts = (total: number): WaveCounts => ({
  total,
  ok: 0,
  sms: 0,
  email: 0,
  failed: 0,
  delivered: 0,
  undelivered: 0,
  optedOut: 0,
  expired: 0,
  uncertain: 0,
  skipped: 0,
  segments: 0,
});

/** The counts a message adds to once and for good; the others follow its current status. */
export type WaveTallyKey =
  'sms' | 'segments' | 'delivered' | 'undelivered' | 'failed' | 'email' | 'optedOut' | 'expired' | 'skipped';

export interface WaveReject {
  line: number;
  reason: string;
}

export interface WaveDoc {
  _id: string;
  name: string;
  status: WaveStatus;
  config: WaveConfig;
  /** The upload's file (objects port key) and the prep it came from, if any. */
  sourceKey: string | null;
  prepId: string | null;
  counts: WaveCounts;
  /** Rows refused at upload, first ones kept (rejectCount has them all). */
  rejects: WaveReject[];
  rejectCount: number;
  /** Segments of all messages: what the rate and the expected duration come from. */
  totalSegments: number;
  /** When the send should end at the wave's rate (quiet hours included). */
  expectedFinishAt: Date | null;
  /** The reason of the last pause or failure (consecutive provider errors, operator). */
  statusReason: string | null;
  /** The durable delayed job that starts it at notifyDate. */
  scheduledJobId: string | null;
  /** Offer codes were generated and registered for every row. */
  codesGenerated: boolean;
  /** The trigger assigned the rows' codes (code-assignment records made). */
  codesAssigned: boolean;
  consecutiveErrors: number;
  /**
   * wave-send runs so far (the start, then each resume): the latest run's number, which makes its
   * job's idempotency key (`wave-send:<waveId>:<run>`).
   */
  sendRuns: number;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

export interface WaveMessageDoc {
  /** `${waveId}:${row}`: the idempotency key of the text, sent with it and on its receipts. */
  _id: string;
  waveId: string;
  row: number;
  campaignId: string;
  userId: string | null;
  email: string | null;
  /** E.164, or null (no valid phone: e-mail fallback). */
  phone: string | null;
  firstName: string | null;
  market: string | null;
  /** IANA time zone of the market: quiet hours. */
  timeZone: string;
  code: string | null;
  codeKind: 'NON_TM' | 'TM' | 'OFFER' | null;
  /** Every column of the upload row, for the templates. */
  fields: Record<string, string>;
  text: string;
  segments: number;
  status: WaveMessageStatus;
  /** Set when a worker claims it (SENDING), to find its provider record after a crash. */
  claimedAt: Date | null;
  claimedBy: string | null;
  providerMessageId: string | null;
  errorCode: string | null;
  reason: string | null;
  sentAt: Date | null;
  deliveredAt: Date | null;
  updatedAt: Date;
  /** Sending: provider calls tried (absent before the first). */
  attempts?: number;
  /** Sending: after a provider error that may pass, not claimed again before this. */
  retryAt?: Date | null;
  /** Sending: what the message added to its wave's lasting counts (sms, delivered...), for recounts. */
  tally?: Partial<Record<WaveTallyKey, number>>;
}

/** The sending's fields of a message made to be sent: PENDING, never claimed, nothing known yet. */
export const UNSENT_MESSAGE = {
  status: 'PENDING',
  claimedAt: null,
  claimedBy: null,
  providerMessageId: null,
  errorCode: null,
  reason: null,
  sentAt: null,
  deliveredAt: null,
} as const satisfies Partial<WaveMessageDoc>;

export interface OptOutDoc {
  /** `${brand}:${phone}`. */
  _id: string;
  brand: string;
  phone: string;
  /** The keyword or provider error that opted the number out. */
  source: string;
  at: Date;
}

export interface WavePrepDoc {
  _id: string;
  campaignId: string;
  dateKey: string;
  status: 'TRIGGERED' | 'PREPPED' | 'FAILED';
  params: {
    minScore: number;
    singleMarket: boolean;
    orderByPreference: boolean;
    reassign: boolean;
  };
  /** The zip on the objects port: wavePrep/{campaignId}/prepped/prepped.{dateKey}.zip. */
  objectKey: string | null;
  counts: { selected: number; perMarket: { key: string; count: number }[]; codesReserved: number };
  jobId: string;
  createdAt: Date;
}
