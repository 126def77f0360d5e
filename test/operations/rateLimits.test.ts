import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApiKey } from '../../src/auth/apiKeys';
import { Role } from '../../src/auth/roles';
import { graphql } from '../support/graphql';
import { startTestServer, type TestServer } from '../support/server';
import { openSocket, runOnce, waitFor, type SocketOutcome } from './support';

const ME = '{ me { name } }';

/** A raw POST, for the headers graphql() does not return. */
async function post(url: string, query: string, headers: Record<string, string> = {}) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query }),
  });
  const body = (await response.json()) as { errors?: { message: string; extensions: Record<string, unknown> }[] };
  return { status: response.status, retryAfter: response.headers.get('retry-after'), body };
}

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
const refusedCode = (outcome: SocketOutcome) => ('refused' in outcome ? outcome.refused[0]?.extensions?.code : 'ran');

describe('API rate limits', () => {
  let server: TestServer;
  let admin: string;

  beforeAll(async () => {
    server = await startTestServer({
      RATE_LIMIT_VIEWER_REQUESTS_PER_MINUTE: '3',
      RATE_LIMIT_VIEWER_COST_PER_MINUTE: '1000',
      RATE_LIMIT_ANONYMOUS_REQUESTS_PER_MINUTE: '2',
    });
    admin = await server.createApiKey('admin');
  });
  afterAll(() => server.stop());

  it("refuses a key's requests past its role's limit with 429, Retry-After and RATE_LIMITED; other keys go on", async () => {
    const viewer = await server.createApiKey('viewer', 'wall dashboard');
    const other = await server.createApiKey('viewer', 'second screen');
    for (let i = 0; i < 3; i += 1) expect((await post(server.url, ME, bearer(viewer))).status).toBe(200);
    const refused = await post(server.url, ME, bearer(viewer));
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.retryAfter);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(refused.body.errors?.[0]).toMatchObject({
      message: expect.stringMatching(/3 a minute for the API key "wall dashboard"/),
      extensions: { code: 'RATE_LIMITED', retryAfterSeconds: retryAfter },
    });
    expect(refused.body.errors?.[0]?.extensions).not.toHaveProperty('http');
    expect((await post(server.url, ME, bearer(other))).status).toBe(200);
  });

  it("holds a key to its own limits in place of its role's: requests, and query cost", async () => {
    const created = await graphql<{ createApiKey: { key: string; apiKey: { requestsPerMinute: number } } }>(
      server.url,
      `
        mutation {
          createApiKey(input: { role: VIEWER, name: "benchmark", requestsPerMinute: 100, costPerMinute: 10 }) {
            key
            apiKey {
              requestsPerMinute
              costPerMinute
            }
          }
        }
      `,
      undefined,
      { key: admin },
    );
    expect(created.data?.createApiKey.apiKey).toEqual({ requestsPerMinute: 100, costPerMinute: 10 });
    const key = created.data!.createApiKey.key;
    // `me { name }` costs 2: five of them spend the key's 10 a minute, well past its role's 3 requests.
    for (let i = 0; i < 5; i += 1) expect((await post(server.url, ME, bearer(key))).status).toBe(200);
    const refused = await post(server.url, ME, bearer(key));
    expect(refused.status).toBe(429);
    expect(refused.body.errors?.[0]?.message).toMatch(/worth 10 a minute .* this one costs 2/);
  });

  it('counts requests without a valid key per client address, at the lowest limit, wrong keys included', async () => {
    const from = (address: string) => ({ 'x-forwarded-for': address });
    const health = '{ health { status } }';
    expect((await post(server.url, health, from('203.0.113.7'))).status).toBe(200);
    expect((await post(server.url, health, from('203.0.113.7'))).status).toBe(200);
    const refused = await post(server.url, health, from('203.0.113.7'));
    expect(refused.status).toBe(429);
    expect(refused.body.errors?.[0]?.message).toMatch(/without a valid API key from 203\.0\.113\.7/);
    expect((await post(server.url, health, from('203.0.113.8'))).status).toBe(200);

    const guess = { ...from('198.51.100.9'), authorization: 'Bearer chk_not-a-key-at-all-00000000000000' };
    expect((await post(server.url, health, guess)).status).toBe(401);
    expect((await post(server.url, health, guess)).status).toBe(401);
    expect((await post(server.url, health, guess)).status).toBe(429);
  });

  it('counts in memory: a busy key costs the store a write per reserved slice, not one per request', async () => {
    // 3,000 a minute: each reservation is a second of it, 50 requests.
    const { key, apiKey } = await createApiKey(server.app.db, {
      role: Role.OPERATOR,
      name: 'busy operator',
      requestsPerMinute: 3000,
    });
    const bucket = `api:key:${apiKey._id}:requests`;
    const writes: string[] = [];
    const stream = server.app.db.collection('rateLimits').watch();
    stream.on('change', (change) => {
      if ('documentKey' in change && String(change.documentKey._id) === bucket) writes.push(change.operationType);
    });
    for (let i = 0; i < 100; i += 1) expect((await post(server.url, ME, bearer(key))).status).toBe(200);
    await waitFor(() => writes.length > 0, "the bucket's writes on the change stream");
    await stream.close();
    expect(writes.length).toBeLessThanOrEqual(10);
  });

  it('counts operations on a socket with the same key as over HTTP, and keeps the socket open', async () => {
    const viewer = await server.createApiKey('viewer', 'socket viewer');
    const { client, closes } = openSocket(server.wsUrl, viewer);
    expect(refusedCode(await runOnce(client, ME))).toBe('ran');
    expect(refusedCode(await runOnce(client, ME))).toBe('ran');
    expect((await post(server.url, ME, bearer(viewer))).status).toBe(200);
    const refused = await runOnce(client, ME);
    expect('refused' in refused && refused.refused[0]).toMatchObject({
      extensions: { code: 'RATE_LIMITED', retryAfterSeconds: expect.any(Number) },
    });
    expect((await post(server.url, ME, bearer(viewer))).status).toBe(429);
    expect(closes).toEqual([]);
    await client.dispose();
  });
});

describe('API rate limits across instances', () => {
  it('share one count per key through the store', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'campaign-hub-rates-'));
    const limits = { DATA_DIR: dataDir, RATE_LIMIT_VIEWER_REQUESTS_PER_MINUTE: '6' };
    const first = await startTestServer(limits);
    const second = await startTestServer({ ...limits, JOB_WORKERS: 'false' });
    try {
      const viewer = await first.createApiKey('viewer');
      const statuses: number[] = [];
      for (let i = 0; i < 12; i += 1) {
        const server = i % 2 === 0 ? first : second;
        statuses.push((await post(server.url, ME, bearer(viewer))).status);
      }
      const granted = statuses.filter((status) => status === 200).length;
      // Each instance may let one operation through before it learns that the shared count is spent.
      expect(granted).toBeGreaterThanOrEqual(6);
      expect(granted).toBeLessThanOrEqual(6 + 2);
      expect(statuses.slice(-2)).toEqual([429, 429]);
    } finally {
      await second.stop();
      await first.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('are off with RATE_LIMITS=off', async () => {
    const server = await startTestServer({ RATE_LIMITS: 'off', RATE_LIMIT_VIEWER_REQUESTS_PER_MINUTE: '1' });
    try {
      const viewer = await server.createApiKey('viewer');
      for (let i = 0; i < 5; i += 1) expect((await post(server.url, ME, bearer(viewer))).status).toBe(200);
    } finally {
      await server.stop();
    }
  });
});
