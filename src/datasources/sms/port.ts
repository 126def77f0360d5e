import type { SmsDeliveryStatus } from './status';

export type { SmsDeliveryStatus } from './status';

/**
 * The SMS port: text messages to fans, on the engine SMS_BACKEND names (independent of the
 * e-mail MESSAGING_BACKEND):
 * - `outbox` (embedded default): each message is recorded in the `smsOutbox` collection and the
 *   engine produces its delivery receipts itself, so a wave can be watched end to end with no
 *   provider;
 * - `aws`: AWS End User Messaging SMS (SendTextMessage); receipts and inbound texts arrive
 *   through SNS on a queue of the queue port, which the engine polls;
 * - `twilio`: Twilio's Messages REST API; receipts and inbound texts arrive as signed webhooks
 *   (`handleWebhook`).
 *
 * The contract the waves rely on:
 * - `send` either answers the provider's message id or throws an `SmsSendError` that says whether
 *   the message may still have gone out (`mayHaveSent`), whether sending again can help
 *   (`permanent`), and whether the provider holds an opt-out for the number (`optedOut`).
 *   Engines never retry a send themselves: a retried send is how texts go out twice, so the
 *   caller decides, with its claim on the recipient.
 * - Neither provider takes an idempotency key on send. The key still travels with the message
 *   (AWS Context, the Twilio status callback URL, the outbox's _id) and comes back on its receipts,
 *   and `findSentSince` asks the provider what it holds for a number, which is how a send left
 *   UNCERTAIN by a crash is settled.
 * - Receipts and inbound texts reach every handler given to `onEvent`, at least once and in no
 *   promised order: a handler must be idempotent and move a message's status only forward
 *   (`isForward`). A handler that throws leaves the event to come again (queue redelivery, a
 *   receipt still due, a webhook answered 500).
 */
export interface SmsPort {
  readonly engine: SmsEngine;
  send(message: SmsMessage): Promise<SmsSendResult>;
  /**
   * The provider's records of messages sent to `to` since `since`, newest first; null when the
   * provider offers no such lookup (aws). An empty list proves nothing was created only once the
   * provider would have recorded it, which both providers do before answering a send.
   */
  findSentSince(to: string, since: Date): Promise<SentSmsRecord[] | null>;
  /** Registers a receiver of receipts and inbound texts; returns the function that removes it. */
  onEvent(handler: SmsEventHandler): () => void;
  /**
   * Twilio's status callbacks and inbound messages: checks the X-Twilio-Signature over `url` (the
   * URL Twilio called, as configured, query included) and `params` (the form fields), hands the
   * events to the handlers and returns them. A missing or wrong signature throws FORBIDDEN and
   * changes nothing; engines that take no webhooks throw NOT_FOUND.
   */
  handleWebhook(
    kind: SmsWebhookKind,
    url: string,
    params: SmsWebhookParams,
    signature: string | undefined,
  ): Promise<SmsEvent[]>;
  /** Starts the engine's pollers (outbox receipts, the aws event queues); call after `onEvent`. */
  start(): Promise<void>;
  /** Stops the pollers, letting an event in hand finish. Idempotent. */
  stop(): Promise<void>;
}

export type SmsEngine = 'outbox' | 'aws' | 'twilio';

export type SmsMessageType = 'TRANSACTIONAL' | 'PROMOTIONAL';

export interface SmsMessage {
  /** E.164, e.g. +15551234567. */
  to: string;
  /** At most 1,600 characters (see segments.ts). */
  body: string;
  /**
   * Who sends: the AWS origination identity (phone number, its id or ARN, pool, sender id), a
   * Twilio Messaging Service SID (MG...) or a Twilio From number; the outbox keeps it as given.
   */
  sender: string;
  /** AWS MessageType; Twilio and the outbox keep it for the record only. */
  messageType: SmsMessageType;
  /** Undelivered past this many seconds, the provider drops the message (Twilio 1..36,000). */
  validitySeconds: number;
  /** One key per intended text (wave + recipient): travels with the message, comes back on receipts. */
  idempotencyKey: string;
  /** Ids that explain the message (waveId, entryId...): kept by the outbox, logged by the others. */
  metadata: Record<string, string>;
}

export interface SmsSendResult {
  providerMessageId: string;
  /** QUEUED: the provider holds it for sending; SENT: already handed to the carrier (outbox). */
  status: 'QUEUED' | 'SENT';
  /** Outbox only: this key was sent before, and this is the first send's answer. */
  duplicate?: boolean;
}

/** What a provider holds of one message, for reconciling a send whose outcome was lost. */
export interface SentSmsRecord {
  providerMessageId: string;
  to: string;
  from?: string;
  body?: string;
  status: SmsDeliveryStatus;
  createdAt: Date;
  errorCode?: string;
  /** When the engine can tell (outbox: always; twilio: from the callback URL it gave). */
  idempotencyKey?: string;
}

/**
 * Why a send or a delivery failed, as the waves act on it:
 * - OPTED_OUT, INVALID_RECIPIENT, REJECTED: this text cannot reach this number (permanent):
 *   the recipient falls back to e-mail;
 * - THROTTLED, PROVIDER_ERROR, NETWORK, UNREACHABLE: try again later (not permanent);
 * - CONFIGURATION: credentials, sender, account or spend limit: nothing will send until someone
 *   fixes it, so it is not the recipient's fault (not permanent; consecutive errors pause the wave).
 */
export type SmsErrorReason =
  | 'OPTED_OUT'
  | 'INVALID_RECIPIENT'
  | 'REJECTED'
  | 'THROTTLED'
  | 'PROVIDER_ERROR'
  | 'NETWORK'
  | 'UNREACHABLE'
  | 'CONFIGURATION';

const PERMANENT_REASONS: ReadonlySet<SmsErrorReason> = new Set(['OPTED_OUT', 'INVALID_RECIPIENT', 'REJECTED']);

export const isPermanentReason = (reason: SmsErrorReason) => PERMANENT_REASONS.has(reason);

/** The failure fields of a receipt with this reason. */
export const failureFields = (errorCode: string, reason: SmsErrorReason) => ({
  errorCode,
  reason,
  permanent: isPermanentReason(reason),
  optedOut: reason === 'OPTED_OUT',
});

export interface SmsSendErrorDetails {
  /** The provider's code: a Twilio error number ("21610"), an AWS exception (with its Reason). */
  code: string;
  reason: SmsErrorReason;
  /** False only when the provider answered, so it surely created nothing. */
  mayHaveSent: boolean;
  /** From a 429's Retry-After, when the provider gave one. */
  retryAfterMs?: number;
  httpStatus?: number;
}

/** A send the provider refused, or whose outcome is unknown (`mayHaveSent`). */
export class SmsSendError extends Error {
  readonly code: string;
  readonly reason: SmsErrorReason;
  readonly permanent: boolean;
  readonly optedOut: boolean;
  readonly mayHaveSent: boolean;
  readonly retryAfterMs?: number;
  readonly httpStatus?: number;

  constructor(message: string, details: SmsSendErrorDetails, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SmsSendError';
    this.code = details.code;
    this.reason = details.reason;
    this.permanent = isPermanentReason(details.reason);
    this.optedOut = details.reason === 'OPTED_OUT';
    this.mayHaveSent = details.mayHaveSent;
    this.retryAfterMs = details.retryAfterMs;
    this.httpStatus = details.httpStatus;
  }
}

/** A delivery receipt: the provider's news about one message it was given. */
export interface SmsStatusEvent {
  kind: 'status';
  providerMessageId: string;
  status: Exclude<SmsDeliveryStatus, 'queued'>;
  /** On undelivered and failed: the provider's code (Twilio 30007, AWS TEXT_BLOCKED...). */
  errorCode?: string;
  /** With errorCode: what it means (see SmsErrorReason), permanent and optedOut as on SmsSendError. */
  reason?: SmsErrorReason;
  permanent?: boolean;
  optedOut?: boolean;
  /** The send's idempotency key when the receipt carries it (all three engines do). */
  idempotencyKey?: string;
  at: Date;
}

/** A text a fan sent to one of our senders (STOP, HELP, anything). */
export interface SmsInboundEvent {
  kind: 'inbound';
  from: string;
  /** The sender it was sent to (our number, short code...). */
  to: string;
  body: string;
  /** The provider's id of the inbound message, for deduplicating redeliveries. */
  providerMessageId: string;
  at: Date;
}

export type SmsEvent = SmsStatusEvent | SmsInboundEvent;

export type SmsEventHandler = (event: SmsEvent) => Promise<void>;

export type SmsWebhookKind = 'status' | 'inbound';

/** Form fields of a webhook request; a repeated field is an array. */
export type SmsWebhookParams = Record<string, string | string[] | undefined>;

/** Paths the waves mount Twilio's webhooks on; the twilio engine gives Twilio these under PUBLIC_BASE_URL. */
export const TWILIO_WEBHOOK_PATHS: Record<SmsWebhookKind, string> = {
  status: '/webhooks/sms/twilio/status',
  inbound: '/webhooks/sms/twilio/inbound',
};

export const SMS_OUTBOX_COLLECTION = 'smsOutbox';
export const SMS_OUTBOX_OPT_OUTS_COLLECTION = 'smsOutboxOptOuts';
