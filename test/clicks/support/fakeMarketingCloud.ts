import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseSfmcDate } from '../../../src/datasources/sfmc/clickLogRow';

export interface FakeRow {
  eventid: string;
  eventdate: string;
  processed: boolean;
  [column: string]: unknown;
}

interface Recorded {
  method: string;
  path: string;
  query: URLSearchParams;
  authorization?: string;
  body: unknown;
}

/**
 * A small stand-in for one Marketing Cloud tenant: the token endpoint, the custom-object
 * rowset read and the data-events rowset upsert, enough to check what the client sends.
 */
export class FakeMarketingCloud {
  readonly requests: Recorded[] = [];
  readonly rows: FakeRow[] = [];
  /** Statuses to answer the next data requests with, before serving them normally. */
  readonly failNext: { status: number; retryAfter?: string }[] = [];
  /** The client secret is made per run: no credential-looking value sits in the tests. */
  credentials = { clientId: 'client-1', clientSecret: randomUUID(), accountId: '5100' };
  tokensIssued = 0;
  private validTokens = new Set<string>();
  private server: Server | null = null;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  /** Makes every issued token invalid, as when Marketing Cloud revokes it early. */
  revokeTokens(): void {
    this.validTokens.clear();
  }

  dataRequests(): Recorded[] {
    return this.requests.filter((r) => !r.path.endsWith('/v2/token'));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', this.url);
    const recorded: Recorded = {
      method: req.method ?? '',
      path: url.pathname,
      query: url.searchParams,
      authorization: req.headers.authorization,
      body: text ? JSON.parse(text) : null,
    };
    this.requests.push(recorded);
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(body));
    };
    if (url.pathname.endsWith('/v2/token')) return this.token(recorded, send);
    const failure = this.failNext.shift();
    if (failure)
      return send(
        failure.status,
        { message: 'try later' },
        failure.retryAfter ? { 'retry-after': failure.retryAfter } : {},
      );
    const token = recorded.authorization?.replace(/^Bearer /, '');
    if (!token || !this.validTokens.has(token)) return send(401, { message: 'Not Authorized' });
    if (req.method === 'GET' && url.pathname === '/data/v1/customobjectdata/key/ClickLog/rowset')
      return send(200, this.rowset(url.searchParams));
    if (req.method === 'POST' && url.pathname === '/hub/v1/dataevents/key:ClickLog/rowset') {
      for (const item of recorded.body as { keys: { eventid: string }; values: { Processed: boolean } }[]) {
        const row = this.rows.find((r) => r.eventid === item.keys.eventid);
        if (row) row.processed = item.values.Processed;
      }
      return send(200, {});
    }
    send(404, { message: 'not found' });
  }

  private token(recorded: Recorded, send: (status: number, body: unknown) => void): void {
    const body = recorded.body as Record<string, string>;
    const { clientId, clientSecret, accountId } = this.credentials;
    if (
      body.grant_type !== 'client_credentials' ||
      body.client_id !== clientId ||
      body.client_secret !== clientSecret ||
      body.account_id !== accountId
    ) {
      return send(401, { error: 'invalid_client' });
    }
    const token = `token-${++this.tokensIssued}`;
    this.validTokens.add(token);
    send(200, { access_token: token, token_type: 'Bearer', expires_in: 1079, rest_instance_url: `${this.url}/` });
  }

  /** Supports the filters the client sends: Processed eq false [and EventDate gte '...']. */
  private rowset(query: URLSearchParams) {
    const page = Number(query.get('$page'));
    const pageSize = Number(query.get('$pageSize'));
    const filter = query.get('$filter') ?? '';
    const after = /EventDate gte '([^']+)'/.exec(filter)?.[1];
    const from = after ? parseSfmcDate(after)!.getTime() : -Infinity;
    const matching = this.rows
      .filter((r) => (/Processed eq false/.test(filter) ? !r.processed : true))
      .filter((r) => parseSfmcDate(r.eventdate)!.getTime() >= from)
      .sort((a, b) => parseSfmcDate(a.eventdate)!.getTime() - parseSfmcDate(b.eventdate)!.getTime());
    const items = matching.slice((page - 1) * pageSize, page * pageSize).map(({ eventid, processed, ...values }) => ({
      keys: { eventid },
      values: { ...values, eventid, processed: processed ? 'True' : 'False' },
    }));
    return { page, pageSize, count: matching.length, items };
  }
}
