import { failureFields, type SmsErrorReason, type SmsEvent, type SmsStatusEvent } from '../port';

/**
 * AWS End User Messaging SMS events as they reach a queue: the event destination publishes to an
 * SNS topic, whose SQS subscription wraps each event in the SNS envelope (`Type: Notification`,
 * the event as a JSON string in `Message`), or passes it bare with raw message delivery on; an
 * EventBridge rule targeting the queue wraps it in `detail`. All three are read here.
 * Delivery events carry `eventType` (TEXT_DELIVERED, TEXT_BLOCKED...), `messageId` (SendTextMessage's
 * MessageId), `eventTimestamp` and the send's `context`; two-way SMS posts the inbound text
 * (`originationNumber`, `destinationNumber`, `messageBody`, `inboundMessageId`) to its topic.
 */

export class SmsEventFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SmsEventFormatError';
  }
}

type Receipt = { status: SmsStatusEvent['status']; reason?: SmsErrorReason };

/** Delivery event types, by what they say about the message. TEXT_QUEUED says nothing new. */
const RECEIPTS: Record<string, Receipt | null> = {
  TEXT_QUEUED: null,
  TEXT_PENDING: { status: 'sent' },
  TEXT_DELIVERED: { status: 'delivered' },
  TEXT_BLOCKED: { status: 'undelivered', reason: 'REJECTED' },
  TEXT_CARRIER_BLOCKED: { status: 'undelivered', reason: 'REJECTED' },
  TEXT_SPAM: { status: 'undelivered', reason: 'REJECTED' },
  TEXT_TTL_EXPIRED: { status: 'undelivered', reason: 'UNREACHABLE' },
  TEXT_CARRIER_UNREACHABLE: { status: 'undelivered', reason: 'UNREACHABLE' },
  TEXT_UNREACHABLE: { status: 'undelivered', reason: 'UNREACHABLE' },
  TEXT_UNKNOWN: { status: 'undelivered', reason: 'UNREACHABLE' },
  TEXT_INVALID: { status: 'failed', reason: 'INVALID_RECIPIENT' },
  TEXT_INVALID_MESSAGE: { status: 'failed', reason: 'REJECTED' },
  TEXT_PROTECT_BLOCKED: { status: 'failed', reason: 'REJECTED' },
};

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);

function parseJson(body: string, what: string): Json {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new SmsEventFormatError(`${what} is not JSON`);
  }
  if (!isObject(parsed)) throw new SmsEventFormatError(`${what} is not a JSON object`);
  return parsed;
}

function dateOf(value: unknown): Date | undefined {
  const date = typeof value === 'number' || typeof value === 'string' ? new Date(value) : undefined;
  return date && !Number.isNaN(date.getTime()) ? date : undefined;
}

/** The events in one queue message body (none for events this port does not use: voice, MMS...). */
export function parseAwsSmsNotification(body: string, receivedAt: Date): SmsEvent[] {
  const outer = parseJson(body, 'the queue message');
  if (outer.Type === 'SubscriptionConfirmation' || outer.Type === 'UnsubscribeConfirmation') return [];
  if (outer.Type === 'Notification') {
    const message = text(outer.Message);
    if (!message) throw new SmsEventFormatError('the SNS notification has no Message');
    return parsePayload(parseJson(message, 'the SNS Message'), {
      at: dateOf(outer.Timestamp) ?? receivedAt,
      id: text(outer.MessageId),
    });
  }
  if (isObject(outer.detail) && typeof outer['detail-type'] === 'string') {
    return parsePayload(outer.detail, { at: dateOf(outer.time) ?? receivedAt, id: text(outer.id) });
  }
  return parsePayload(outer, { at: receivedAt });
}

function parsePayload(payload: Json, envelope: { at: Date; id?: string }): SmsEvent[] {
  const eventType = text(payload.eventType);
  if (eventType) return statusEvent(payload, eventType, envelope.at);
  const from = text(payload.originationNumber);
  if (from && typeof payload.messageBody === 'string') {
    const providerMessageId = text(payload.inboundMessageId) ?? envelope.id;
    if (!providerMessageId) throw new SmsEventFormatError('the inbound message has no inboundMessageId');
    return [
      {
        kind: 'inbound',
        from,
        to: text(payload.destinationNumber) ?? '',
        body: payload.messageBody,
        providerMessageId,
        at: envelope.at,
      },
    ];
  }
  throw new SmsEventFormatError('neither a delivery event (eventType) nor an inbound text (originationNumber)');
}

function statusEvent(payload: Json, eventType: string, envelopeAt: Date): SmsStatusEvent[] {
  if (!eventType.startsWith('TEXT_')) return [];
  const receipt = receiptOf(eventType, payload.isFinal === true);
  if (!receipt) return [];
  const providerMessageId = text(payload.messageId);
  if (!providerMessageId) throw new SmsEventFormatError(`the ${eventType} event has no messageId`);
  const idempotencyKey = isObject(payload.context) ? text(payload.context.idempotencyKey) : undefined;
  return [
    {
      kind: 'status',
      providerMessageId,
      status: receipt.status,
      ...(receipt.reason ? failureFields(eventType, receipt.reason) : {}),
      ...(idempotencyKey ? { idempotencyKey } : {}),
      at: dateOf(payload.eventTimestamp) ?? envelopeAt,
    },
  ];
}

/**
 * TEXT_SUCCESSFUL means the carrier accepted the text; where carriers send no handset receipt it
 * is the last word (isFinal) and counts as delivered. An unknown final type is a failure.
 */
function receiptOf(eventType: string, isFinal: boolean): Receipt | null {
  if (eventType === 'TEXT_SUCCESSFUL') return { status: isFinal ? 'delivered' : 'sent' };
  if (eventType in RECEIPTS) return RECEIPTS[eventType]!;
  return isFinal ? { status: 'undelivered', reason: 'UNREACHABLE' } : null;
}
