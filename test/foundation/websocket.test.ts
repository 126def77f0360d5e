import { createClient, type Client, type ExecutionResult } from 'graphql-ws';
import { print } from 'graphql';
import WebSocket from 'ws';
import { HealthDocument, MeDocument } from '../generated/graphql';
import { findPrincipalByKey, revokeApiKey } from '../../src/auth/apiKeys';
import type { SocketInfo } from '../../src/app';
import { startTestServer, type TestServer } from '../support/server';

/** A graphql-ws client that does not retry, so a refused connection fails the test at once. */
function connect(wsUrl: string, key?: string, onClosed?: (code: number) => void, lazy = true): Client {
  return createClient({
    url: wsUrl,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    lazy,
    // Closes are what these tests look at (through `on.closed`); graphql-ws would also print them.
    onNonLazyError: () => undefined,
    connectionParams: key ? { authorization: `Bearer ${key}` } : {},
    on: { closed: (event) => onClosed?.((event as { code: number }).code) },
  });
}

/** Runs one operation over the socket and resolves with its single result or error payload. */
function runOnce(client: Client, query: string): Promise<ExecutionResult | { refused: unknown }> {
  return new Promise((resolve) => {
    let result: ExecutionResult | undefined;
    client.subscribe(
      { query },
      {
        next: (value) => {
          result = value as ExecutionResult;
        },
        error: (error) => resolve({ refused: error }),
        complete: () => resolve(result!),
      },
    );
  });
}

describe('graphql-ws on /graphql', () => {
  let server: TestServer;
  let agentKey: string;

  beforeAll(async () => {
    server = await startTestServer({ GRAPHQL_MAX_DEPTH: '5' });
    agentKey = await server.createApiKey('agent', 'agent 7', 'agent-7');
  });
  afterAll(() => server.stop());

  it('identifies the caller from connectionParams and reports the socket lifecycle', async () => {
    const connected: SocketInfo[] = [];
    const closed: SocketInfo[] = [];
    server.app.sockets.on('connected', (info) => connected.push(info));
    server.app.sockets.on('closed', (info) => closed.push(info));
    const client = connect(server.wsUrl, agentKey);
    const result = (await runOnce(client, print(MeDocument))) as ExecutionResult;
    expect(result.data).toEqual({
      me: expect.objectContaining({ role: 'AGENT', agentId: 'agent-7', name: 'agent 7' }),
    });
    await client.dispose();
    await waitFor(() => closed.length === 1);
    expect(connected[0]?.principal).toMatchObject({ agentId: 'agent-7' });
    expect(closed[0]?.socketId).toBe(connected[0]?.socketId);
    const metrics = await (await fetch(new URL('/metrics', server.url))).text();
    expect(metrics).toMatch(/graphql_requests_total\{operation="Me",type="query"\} 1/);
  });

  it('closes the socket with 4403 when the key is wrong', async () => {
    let closeCode = 0;
    const client = connect(server.wsUrl, 'chk_not-a-real-key-at-all-000000000', (code) => {
      closeCode = code;
    });
    const outcome = await runOnce(client, print(HealthDocument));
    expect(outcome).toHaveProperty('refused');
    expect(closeCode).toBe(4403);
    await client.dispose();
  });

  it('answers public fields without a key and refuses `me` with UNAUTHENTICATED', async () => {
    const client = connect(server.wsUrl);
    const health = (await runOnce(client, print(HealthDocument))) as ExecutionResult<{ health: { status: string } }>;
    expect(health.data?.health.status).toBe('OK');
    const me = (await runOnce(client, print(MeDocument))) as ExecutionResult;
    expect(me.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    await client.dispose();
  });

  it('refuses new operations on a socket whose key was revoked', async () => {
    const key = await server.createApiKey('viewer', 'soon revoked');
    const closeCodes: number[] = [];
    // Not lazy: the socket stays open between operations, as an agent's does.
    const client = connect(server.wsUrl, key, (code) => closeCodes.push(code), false);
    expect(((await runOnce(client, print(MeDocument))) as ExecutionResult).data).toBeDefined();
    const principal = await findPrincipalByKey(server.app.db, key);
    await revokeApiKey(server.app.db, principal!.keyId);
    // Revoking closes the key's sockets with 4403, and the key opens no new one.
    await waitFor(() => closeCodes.length > 0);
    expect(closeCodes[0]).toBe(4403);
    const after = await runOnce(client, print(MeDocument));
    expect(after).toHaveProperty('refused');
    expect(closeCodes.every((code) => code === 4403)).toBe(true);
    await client.dispose();
  });

  it('applies the depth limit and reports bad documents as BAD_USER_INPUT', async () => {
    const client = connect(server.wsUrl, agentKey);
    const deep = (await runOnce(client, `{ ${'apiKeys { '.repeat(10)}totalCount${' }'.repeat(10)} }`)) as {
      refused: { extensions: unknown }[];
    };
    expect(deep.refused[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'QUERY_TOO_DEEP', limit: 5 });
    const broken = (await runOnce(client, '{ health {')) as { refused: { extensions: unknown }[] };
    expect(broken.refused[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    await client.dispose();
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('stopping the service', () => {
  it('closes open sockets with 1001 Going Away and finishes', async () => {
    const server = await startTestServer();
    const codes: number[] = [];
    const client = connect(server.wsUrl, await server.createApiKey('viewer'), (code) => codes.push(code), false);
    expect(((await runOnce(client, print(MeDocument))) as ExecutionResult).data).toBeDefined();
    await server.stop();
    await waitFor(() => codes.length > 0);
    expect(codes[0]).toBe(1001);
    await client.dispose();
  });
});
