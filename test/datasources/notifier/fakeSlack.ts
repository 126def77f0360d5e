import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One scripted answer of the fake webhook: Slack's status, body and headers. */
export interface SlackAnswer {
  status: number;
  body: string;
  headers?: Record<string, string>;
}

export const ok: SlackAnswer = { status: 200, body: 'ok' };

/**
 * A local HTTP server answering as a Slack incoming webhook does: `ok` on 200, a short error
 * token (`invalid_payload`, `no_text`...) on 4xx, Retry-After on 429. It answers the scripted
 * answers in order, then `ok`. The webhook path is made per run, as Slack's secret part is.
 */
export class FakeSlack {
  readonly path = `/services/T${randomUUID().slice(0, 8)}/B${randomUUID().slice(0, 8)}/${randomUUID()}`;
  readonly received: { path: string; contentType: string | undefined; body: unknown }[] = [];
  private answers: SlackAnswer[] = [];
  private server: Server | undefined;
  private port = 0;

  get url(): string {
    return `http://127.0.0.1:${this.port}${this.path}`;
  }

  /** The answers of the next requests, in order. */
  script(...answers: SlackAnswer[]): void {
    this.answers = answers;
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        this.received.push({ path: req.url ?? '', contentType: req.headers['content-type'], body: JSON.parse(text) });
        const answer = req.url === this.path ? (this.answers.shift() ?? ok) : { status: 404, body: 'no_service' };
        res.writeHead(answer.status, { 'content-type': 'text/html', ...answer.headers });
        res.end(answer.body);
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server!.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}
