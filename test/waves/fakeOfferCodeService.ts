import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

interface HeldCode {
  code: string;
  campaignId: string;
  waveId: string;
  row: number;
  userId: string | null;
  redeemedAt: string | null;
}

/**
 * A local HTTP server answering as the offer-code service's contract says
 * (docs/pipelines/waves.md#offer-codes), with failures a test can queue: the next requests get
 * these statuses (and Retry-After) before the real answer.
 */
export class FakeOfferCodeService {
  readonly codes = new Map<string, HeldCode>();
  readonly requests: { method: string; path: string; authorization?: string; body: unknown }[] = [];
  private readonly failures: { status: number; retryAfter?: string }[] = [];
  private server!: Server;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((request, response) => void this.handle(request, response));
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  failNext(...failures: { status: number; retryAfter?: string }[]): void {
    this.failures.push(...failures);
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    let text = '';
    for await (const chunk of request) text += String(chunk);
    const body = text ? JSON.parse(text) : null;
    const path = request.url ?? '';
    this.requests.push({ method: request.method ?? '', path, authorization: request.headers.authorization, body });
    const failure = this.failures.shift();
    if (failure) {
      const headers = failure.retryAfter ? { 'retry-after': failure.retryAfter } : {};
      response.writeHead(failure.status, headers).end('{"error":"try later"}');
      return;
    }
    const send = (status: number, value: unknown): void => {
      response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
    };
    if (request.method === 'POST' && path === '/codes') {
      const conflicts: string[] = [];
      for (const given of (body as { codes: HeldCode[] }).codes) {
        const held = this.codes.get(given.code);
        if (held && (held.waveId !== given.waveId || held.row !== given.row)) conflicts.push(given.code);
        else if (!held) this.codes.set(given.code, { ...given, redeemedAt: null });
      }
      return send(200, { conflicts });
    }
    const match = /^\/codes\/([^/]+)(\/redeem)?$/.exec(path);
    const held = match ? this.codes.get(decodeURIComponent(match[1]!)) : undefined;
    if (!held) return send(404, { error: 'no such code' });
    if (match![2] && request.method === 'POST') held.redeemedAt ??= new Date().toISOString();
    send(200, { ...held, redeemed: held.redeemedAt !== null });
  }
}
