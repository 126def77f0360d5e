import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { measureSms } from '../../src/datasources/sms';

/** One create request as it arrived. */
export interface Arrival {
  /** ms since the epoch, sub-millisecond, when the request's body was read. */
  at: number;
  to: string;
  segments: number;
}

interface StoredMessage {
  sid: string;
  to: string;
  body: string;
  createdAt: Date;
}

/**
 * A local server answering Twilio's Messages API as Twilio does (create: 201 with the message;
 * list by To with paging, for reconciliation), counting every create as it arrives: time,
 * number and segments. No status callbacks: the benchmark measures the sending.
 */
export async function startTwilioCounter() {
  const accountSid = `AC${randomBytes(16).toString('hex')}`;
  const authToken = randomBytes(16).toString('hex');
  const basePath = `/2010-04-01/Accounts/${accountSid}/Messages.json`;
  const expectedAuth = `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`;
  const arrivals: Arrival[] = [];
  const byNumber = new Map<string, StoredMessage[]>();
  const origin = performance.timeOrigin;

  function create(form: URLSearchParams, res: ServerResponse): void {
    const to = form.get('To') ?? '';
    const body = form.get('Body') ?? '';
    const at = origin + performance.now();
    arrivals.push({ at, to, segments: measureSms(body).segments });
    const message = { sid: `SM${randomBytes(16).toString('hex')}`, to, body, createdAt: new Date(at) };
    byNumber.set(to, [...(byNumber.get(to) ?? []), message]);
    answer(res, 201, {
      sid: message.sid,
      account_sid: accountSid,
      to,
      from: form.get('From'),
      messaging_service_sid: form.get('MessagingServiceSid'),
      body,
      status: 'queued',
      direction: 'outbound-api',
      date_created: message.createdAt.toUTCString(),
      date_sent: null,
      error_code: null,
      num_segments: String(measureSms(body).segments),
    });
  }

  function list(query: URLSearchParams, res: ServerResponse): void {
    const to = query.get('To') ?? '';
    const messages = [...(byNumber.get(to) ?? [])].reverse();
    answer(res, 200, {
      messages: messages.map((message) => ({
        sid: message.sid,
        to: message.to,
        from: '+15550001000',
        body: message.body,
        status: 'sent',
        direction: 'outbound-api',
        date_created: message.createdAt.toUTCString(),
        error_code: null,
      })),
      page: 0,
      page_size: 100,
      next_page_uri: null,
    });
  }

  const server = createServer((req, res) => {
    void route(req, res).catch((error: unknown) => answer(res, 500, { message: String(error) }));
  });
  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://counter');
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (req.headers.authorization !== expectedAuth) return answer(res, 401, { code: 20003, message: 'Authenticate' });
    if (url.pathname !== basePath) return answer(res, 404, { code: 20404, message: 'Not found' });
    if (req.method === 'GET') return list(url.searchParams, res);
    create(new URLSearchParams(Buffer.concat(chunks).toString('utf8')), res);
  }
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    accountSid,
    authToken,
    arrivals,
    /** Forgets what arrived (a new scenario). */
    reset() {
      arrivals.length = 0;
      byNumber.clear();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export type TwilioCounter = Awaited<ReturnType<typeof startTwilioCounter>>;

function answer(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/**
 * The most segments that arrived in any 1-second window (sliding: every window starting at an
 * arrival), and the mean rate from the first arrival to the last.
 */
export function windowFigures(arrivals: readonly Arrival[]): { maxPerSecond: number; meanPerSecond: number } {
  const sorted = [...arrivals].sort((a, b) => a.at - b.at);
  let max = 0;
  let inWindow = 0;
  let tail = 0;
  for (const arrival of sorted) {
    inWindow += arrival.segments;
    while (sorted[tail]!.at <= arrival.at - 1000) {
      inWindow -= sorted[tail]!.segments;
      tail += 1;
    }
    max = Math.max(max, inWindow);
  }
  const total = sorted.reduce((sum, arrival) => sum + arrival.segments, 0);
  const seconds = sorted.length > 1 ? (sorted.at(-1)!.at - sorted[0]!.at) / 1000 : 0;
  return { maxPerSecond: max, meanPerSecond: seconds > 0 ? Math.round((total / seconds) * 10) / 10 : 0 };
}

/** Numbers that got more than one text, and expected numbers that got none. */
export function deliveryFigures(arrivals: readonly Arrival[], expected: readonly string[]) {
  const seen = new Map<string, number>();
  for (const arrival of arrivals) seen.set(arrival.to, (seen.get(arrival.to) ?? 0) + 1);
  let duplicates = 0;
  for (const count of seen.values()) if (count > 1) duplicates += count - 1;
  const missing = expected.filter((phone) => !seen.has(phone)).length;
  return { duplicates, missing };
}
