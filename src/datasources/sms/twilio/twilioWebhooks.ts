import { badInput } from '../../../errors';
import { failureFields, type SmsEvent, type SmsStatusEvent, type SmsWebhookKind, type SmsWebhookParams } from '../port';
import { twilioErrorReason } from '../twilioCodes';

/** The query parameter of the StatusCallback URL that brings the send's idempotency key back. */
export const IDEMPOTENCY_KEY_PARAM = 'idempotencyKey';

/** Callback statuses that move a message forward; the others (queued, sending...) say nothing new. */
const STATUSES: Record<string, SmsStatusEvent['status']> = {
  sent: 'sent',
  delivered: 'delivered',
  read: 'delivered',
  undelivered: 'undelivered',
  failed: 'failed',
  canceled: 'failed',
};

const field = (params: SmsWebhookParams, ...names: string[]) => {
  for (const name of names) {
    const value = params[name];
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) return first;
  }
  return undefined;
};

/** The events of one verified Twilio webhook request (status callback or inbound message). */
export function twilioWebhookEvents(kind: SmsWebhookKind, url: string, params: SmsWebhookParams, at: Date): SmsEvent[] {
  const messageSid = field(params, 'MessageSid', 'SmsSid');
  if (!messageSid) throw badInput('MessageSid is missing', 'MessageSid');
  if (kind === 'inbound') {
    const from = field(params, 'From');
    if (!from) throw badInput('From is missing', 'From');
    return [
      {
        kind: 'inbound',
        from,
        to: field(params, 'To') ?? '',
        body: field(params, 'Body') ?? '',
        providerMessageId: messageSid,
        at,
      },
    ];
  }
  const status = STATUSES[field(params, 'MessageStatus', 'SmsStatus') ?? ''];
  if (!status) return [];
  const errorCode = field(params, 'ErrorCode');
  const failed = status === 'undelivered' || status === 'failed';
  const idempotencyKey = idempotencyKeyOf(url);
  return [
    {
      kind: 'status',
      providerMessageId: messageSid,
      status,
      ...(failed
        ? failureFields(errorCode ?? 'UNKNOWN', twilioErrorReason(errorCode ? Number(errorCode) : undefined))
        : {}),
      ...(idempotencyKey ? { idempotencyKey } : {}),
      at,
    },
  ];
}

function idempotencyKeyOf(url: string): string | undefined {
  try {
    return new URL(url).searchParams.get(IDEMPOTENCY_KEY_PARAM) ?? undefined;
  } catch {
    return undefined;
  }
}
