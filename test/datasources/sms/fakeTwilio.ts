import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { twilioSignature } from '../../../src/datasources/sms';

/** A message as the fake holds it, in the Messages resource's JSON shape. */
export interface FakeTwilioMessage {
  sid: string;
  account_sid: string;
  to: string;
  from: string | null;
  messaging_service_sid: string | null;
  body: string;
  status: string;
  direction: 'outbound-api' | 'inbound';
  date_created: string;
  date_sent: string | null;
  error_code: number | null;
  num_segments: string;
  /** Not in Twilio's JSON: what the create asked for, for assertions. */
  request: Record<string, string>;
}

/**
 * Numbers the fake refuses, as Twilio answers them: JSON `{ code, message, more_info, status }`.
 * Other numbers are created (201), and with callbacks on, `+15550030007` is then filtered (30007).
 */
const REFUSALS: Record<string, { status: number; code: number; message: string; retryAfter?: string }> = {
  '+15550429000': { status: 429, code: 20429, message: 'Too Many Requests', retryAfter: '3' },
  '+15550500000': { status: 500, code: 20500, message: 'Internal Server Error' },
  '+15550021610': { status: 400, code: 21610, message: 'Attempt to send to unsubscribed recipient' },
  '+15550021211': { status: 400, code: 21211, message: "The 'To' number is not a valid phone number." },
};
export const FILTERED_NUMBER = '+15550030007';

export interface FakeTwilioOptions {
  /** Post `sent` then `delivered` (or `undelivered` 30007) to each message's StatusCallback. */
  callbacks?: boolean;
  /** Messages per page of the list, whatever PageSize asks (to exercise paging). */
  pageSize?: number;
  clock?: () => Date;
}

/**
 * A local HTTP server answering as Twilio's Messages API does (create, list with paging, error
 * bodies, Basic auth), and posting signed status callbacks and inbound texts as Twilio would.
 * The account and its auth token are made per run.
 */
export async function startFakeTwilio(options: FakeTwilioOptions = {}) {
  const accountSid = `AC${randomBytes(16).toString('hex')}`;
  const authToken = randomBytes(16).toString('hex');
  const clock = options.clock ?? (() => new Date());
  const messages: FakeTwilioMessage[] = [];
  const callbacks: Promise<unknown>[] = [];
  const basePath = `/2010-04-01/Accounts/${accountSid}/Messages.json`;

  const post = (url: string, params: Record<string, string>, token = authToken) =>
    fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-signature': twilioSignature(url, params, token),
      },
      body: new URLSearchParams(params),
    });

  const statusCallback = (message: FakeTwilioMessage, status: string, errorCode?: number) =>
    post(message.request.StatusCallback!, {
      AccountSid: accountSid,
      ApiVersion: '2010-04-01',
      MessageSid: message.sid,
      SmsSid: message.sid,
      MessageStatus: status,
      SmsStatus: status,
      To: message.to,
      From: message.from ?? '+15550001000',
      ...(message.messaging_service_sid ? { MessagingServiceSid: message.messaging_service_sid } : {}),
      ...(errorCode ? { ErrorCode: String(errorCode) } : {}),
    });

  function create(form: Record<string, string>, res: ServerResponse): void {
    const refusal = REFUSALS[form.To ?? ''];
    if (refusal) {
      answer(res, refusal.status, errorBody(refusal.status, refusal.code, refusal.message), refusal.retryAfter);
      return;
    }
    const message: FakeTwilioMessage = {
      sid: `SM${randomBytes(16).toString('hex')}`,
      account_sid: accountSid,
      to: form.To!,
      from: form.From ?? null,
      messaging_service_sid: form.MessagingServiceSid ?? null,
      body: form.Body ?? '',
      status: form.MessagingServiceSid ? 'accepted' : 'queued',
      direction: 'outbound-api',
      date_created: clock().toUTCString(),
      date_sent: null,
      error_code: null,
      num_segments: '1',
      request: form,
    };
    messages.push(message);
    answer(res, 201, publicFields(message));
    if (options.callbacks && form.StatusCallback) {
      const filtered = message.to === FILTERED_NUMBER;
      callbacks.push(
        statusCallback(message, 'sent').then(() =>
          filtered ? statusCallback(message, 'undelivered', 30007) : statusCallback(message, 'delivered'),
        ),
      );
    }
  }

  function list(query: URLSearchParams, res: ServerResponse): void {
    const matching = messages.filter((message) => !query.get('To') || message.to === query.get('To')).reverse();
    const size = options.pageSize ?? Number(query.get('PageSize') ?? 50);
    const page = Number(query.get('Page') ?? 0);
    const slice = matching.slice(page * size, (page + 1) * size);
    const more = (page + 1) * size < matching.length;
    const next = new URLSearchParams(query);
    next.set('Page', String(page + 1));
    next.set('PageToken', `PA${randomBytes(8).toString('hex')}`);
    answer(res, 200, {
      messages: slice.map(publicFields),
      page,
      page_size: size,
      first_page_uri: `${basePath}?${query}`,
      next_page_uri: more ? `${basePath}?${next}` : null,
      uri: `${basePath}?${query}`,
    });
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake-twilio');
    const expected = `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`;
    if (req.headers.authorization !== expected) {
      answer(res, 401, errorBody(401, 20003, 'Authenticate'));
      return;
    }
    if (url.pathname !== basePath) {
      answer(res, 404, errorBody(404, 20404, 'The requested resource was not found'));
      return;
    }
    if (req.method === 'GET') {
      list(url.searchParams, res);
      return;
    }
    create(Object.fromEntries(new URLSearchParams(await readBody(req))), res);
  }

  const server = createServer((req, res) => {
    route(req, res).catch((error: unknown) => answer(res, 500, { message: String(error) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    accountSid,
    authToken,
    messages,
    /** Resolves once every status callback posted so far was answered. */
    callbacksDone: () => Promise.all(callbacks),
    statusCallback,
    /** A text from a fan to one of our numbers, posted to our inbound webhook as Twilio does. */
    inbound: (webhookUrl: string, fields: { From: string; To: string; Body: string }, token = authToken) =>
      post(
        webhookUrl,
        {
          AccountSid: accountSid,
          ApiVersion: '2010-04-01',
          MessageSid: `SM${randomBytes(16).toString('hex')}`,
          SmsSid: `SM${randomBytes(16).toString('hex')}`,
          NumMedia: '0',
          NumSegments: '1',
          ...fields,
        },
        token,
      ),
    /** Records an inbound message in the account's list, as Twilio does. */
    recordInbound: (to: string) =>
      messages.push({
        sid: `SM${randomBytes(16).toString('hex')}`,
        account_sid: accountSid,
        to,
        from: '+15550001000',
        messaging_service_sid: null,
        body: 'hello',
        status: 'received',
        direction: 'inbound',
        date_created: clock().toUTCString(),
        date_sent: clock().toUTCString(),
        error_code: null,
        num_segments: '1',
        request: {},
      }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export type FakeTwilio = Awaited<ReturnType<typeof startFakeTwilio>>;

/** What Twilio's JSON shows of a message (the fake's own `request` stays out). */
const publicFields = (message: FakeTwilioMessage) => ({ ...message, request: undefined });

const errorBody = (status: number, code: number, message: string) => ({
  code,
  message,
  more_info: `https://www.twilio.com/docs/errors/${code}`,
  status,
});

function answer(res: ServerResponse, status: number, body: unknown, retryAfter?: string): void {
  res.writeHead(status, { 'content-type': 'application/json', ...(retryAfter ? { 'retry-after': retryAfter } : {}) });
  res.end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
