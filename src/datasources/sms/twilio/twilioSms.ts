import type { Logger } from '../../../logger';
import { SmsEventHub } from '../eventHub';
import {
  SmsSendError,
  TWILIO_WEBHOOK_PATHS,
  type SentSmsRecord,
  type SmsEvent,
  type SmsEventHandler,
  type SmsMessage,
  type SmsPort,
  type SmsSendResult,
  type SmsWebhookKind,
  type SmsWebhookParams,
} from '../port';
import { smsBodyProblem } from '../segments';
import type { SmsDeliveryStatus } from '../status';
import { badSignature } from '../webhookErrors';
import { FormPoster, responseOf, type FormAnswer } from './formPost';
import { verifyTwilioSignature } from './signature';
import { twilioHttpError, twilioNetworkError } from './twilioErrors';
import { IDEMPOTENCY_KEY_PARAM, twilioWebhookEvents } from './twilioWebhooks';

export interface TwilioSmsOptions {
  accountSid: string;
  authToken: string;
  /** https://api.twilio.com, or a local server answering as Twilio does. */
  apiBaseUrl: string;
  /** Where Twilio reaches this service (PUBLIC_BASE_URL): the status callbacks go there. */
  publicBaseUrl: string;
  /** A create with no answer by then counts as maybe sent. */
  timeoutMs: number;
  logger?: Logger;
  clock?: () => Date;
}

/** Twilio's ValidityPeriod range. */
const VALIDITY = { min: 1, max: 36_000 };
/** findSentSince reads at most this many pages of 100 (a fan's number gets a handful of texts). */
const MAX_LOOKUP_PAGES = 10;

interface TwilioMessage {
  sid: string;
  to: string | null;
  from: string | null;
  body: string | null;
  status: string;
  direction: string;
  date_created: string | null;
  error_code: number | null;
}

const RECORD_STATUSES: Record<string, SmsDeliveryStatus> = {
  accepted: 'queued',
  scheduled: 'queued',
  queued: 'queued',
  sending: 'queued',
  sent: 'sent',
  delivered: 'delivered',
  read: 'delivered',
  undelivered: 'undelivered',
  failed: 'failed',
  canceled: 'failed',
};

/**
 * Twilio's Messages API over plain HTTP (no SDK): creates through node's http client on kept-alive
 * connections (formPost.ts), lookups with fetch. The sender is a Messaging Service SID (MG + 32 hex) or
 * a From number; every message asks for status callbacks at PUBLIC_BASE_URL +
 * /webhooks/sms/twilio/status, with the send's idempotency key in the callback URL's query (part
 * of what Twilio signs), so a receipt names its send even before the send's answer was stored.
 */
export class TwilioSms implements SmsPort {
  readonly engine = 'twilio' as const;
  private readonly hub = new SmsEventHub();
  private readonly clock: () => Date;
  private readonly poster: FormPoster;

  constructor(private readonly options: TwilioSmsOptions) {
    this.clock = options.clock ?? (() => new Date());
    this.poster = new FormPoster(options.apiBaseUrl);
  }

  async send(message: SmsMessage): Promise<SmsSendResult> {
    const problem = smsBodyProblem(message.body);
    if (problem) throw new SmsSendError(problem, { code: 'BODY', reason: 'REJECTED', mayHaveSent: false });
    const form = new URLSearchParams({
      To: message.to,
      Body: message.body,
      [/^MG[0-9a-f]{32}$/i.test(message.sender) ? 'MessagingServiceSid' : 'From']: message.sender,
      ValidityPeriod: String(Math.min(VALIDITY.max, Math.max(VALIDITY.min, Math.round(message.validitySeconds)))),
      StatusCallback: this.statusCallbackUrl(message.idempotencyKey),
    });
    let answer: FormAnswer;
    try {
      answer = await this.poster.post(
        this.apiUrl('/Messages.json'),
        { authorization: this.authorization(), 'content-type': 'application/x-www-form-urlencoded' },
        form.toString(),
        this.options.timeoutMs,
      );
    } catch (error) {
      throw twilioNetworkError(error);
    }
    if (answer.status < 200 || answer.status >= 300) throw await twilioHttpError(responseOf(answer), this.clock());
    let created: Partial<TwilioMessage> = {};
    try {
      created = (JSON.parse(answer.text) ?? {}) as Partial<TwilioMessage>;
    } catch {
      // not JSON: no sid, handled below
    }
    if (!created.sid) {
      throw new SmsSendError('Twilio answered without a message sid', {
        code: 'NO_SID',
        reason: 'PROVIDER_ERROR',
        mayHaveSent: true,
        httpStatus: answer.status,
      });
    }
    return { providerMessageId: created.sid, status: created.status === 'sent' ? 'SENT' : 'QUEUED' };
  }

  /**
   * Outbound messages to `to` created since `since`, listed by recipient alone and filtered here
   * on date_created: a DateSent filter would hide exactly the messages a reconciliation looks
   * for, those still queued (no date_sent yet) and those that failed before sending. The list's
   * order is not relied on either, so every page is read, up to 10 pages of 100.
   */
  async findSentSince(to: string, since: Date): Promise<SentSmsRecord[]> {
    const records: SentSmsRecord[] = [];
    let next: string | null = `${this.apiPath('/Messages.json')}?${new URLSearchParams({ To: to, PageSize: '100' })}`;
    for (let page = 0; next && page < MAX_LOOKUP_PAGES; page += 1) {
      const response = await this.get(next);
      const body = (await response.json()) as { messages?: TwilioMessage[]; next_page_uri?: string | null };
      records.push(...(body.messages ?? []).flatMap((message) => recordOf(message, since)));
      next = body.next_page_uri ?? null;
    }
    return records.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
  }

  onEvent(handler: SmsEventHandler): () => void {
    return this.hub.onEvent(handler);
  }

  async handleWebhook(
    kind: SmsWebhookKind,
    url: string,
    params: SmsWebhookParams,
    signature: string | undefined,
  ): Promise<SmsEvent[]> {
    if (!verifyTwilioSignature(url, params, signature, this.options.authToken)) throw badSignature(!signature);
    const events = twilioWebhookEvents(kind, url, params, this.clock());
    await this.hub.dispatch(events);
    return events;
  }

  async start(): Promise<void> {}

  async stop(): Promise<void> {
    this.poster.close();
  }

  private statusCallbackUrl(idempotencyKey: string): string {
    const base = this.options.publicBaseUrl.replace(/\/+$/, '');
    return `${base}${TWILIO_WEBHOOK_PATHS.status}?${new URLSearchParams({ [IDEMPOTENCY_KEY_PARAM]: idempotencyKey })}`;
  }

  private apiPath(path: string): string {
    return `/2010-04-01/Accounts/${encodeURIComponent(this.options.accountSid)}${path}`;
  }

  private apiUrl(path: string): string {
    return `${this.options.apiBaseUrl.replace(/\/+$/, '')}${this.apiPath(path)}`;
  }

  private authorization(): string {
    return `Basic ${Buffer.from(`${this.options.accountSid}:${this.options.authToken}`).toString('base64')}`;
  }

  private async get(pathAndQuery: string): Promise<Response> {
    const response = await fetch(`${this.options.apiBaseUrl.replace(/\/+$/, '')}${pathAndQuery}`, {
      headers: { authorization: this.authorization() },
      signal: AbortSignal.timeout(this.options.timeoutMs),
    });
    if (!response.ok) throw await twilioHttpError(response, this.clock());
    return response;
  }
}

function recordOf(message: TwilioMessage, since: Date): SentSmsRecord[] {
  const createdAt = message.date_created ? new Date(message.date_created) : undefined;
  const status = RECORD_STATUSES[message.status];
  if (!message.direction.startsWith('outbound') || !status || !createdAt || createdAt < since) return [];
  return [
    {
      providerMessageId: message.sid,
      to: message.to ?? '',
      ...(message.from ? { from: message.from } : {}),
      ...(message.body !== null ? { body: message.body } : {}),
      status,
      createdAt,
      ...(message.error_code ? { errorCode: String(message.error_code) } : {}),
    },
  ];
}
