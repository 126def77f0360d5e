import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../src/datasources/store';
import { AUDIT_LOG_COLLECTION, type AuditEntryDocument } from '../../src/services/audit/auditLog';
import { runTs } from '../foundation/spawn';
import { uploadLeadsMutation } from '../leads/wsSupport';
import { graphql } from '../support/graphql';
import { startTestServer, type TestServer } from '../support/server';
import { openSocket, runOnce } from './support';

interface Entry {
  id: string;
  at: string;
  keyId: string | null;
  keyName: string;
  role: string | null;
  operation: string;
  arguments: Record<string, unknown>;
  outcome: string;
  errorCode: string | null;
  resultId: string | null;
  via: string;
  requestId: string | null;
  clientAddress: string | null;
}

const AUDIT_LOG = `query ($filter: AuditLogFilter, $first: Int, $after: String) {
  auditLog(filter: $filter, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { id at keyId keyName role operation arguments outcome errorCode resultId via requestId clientAddress } }
  }
}`;

const CREATE_SENDER = 'mutation ($input: SenderInput!) { createSender(input: $input) { id } }';

describe('the audit log', () => {
  let server: TestServer;
  let admin: string;
  let operator: string;
  let operatorId: string;

  async function auditLog(variables: Record<string, unknown> = {}, key = admin) {
    return graphql<{ auditLog: { totalCount: number; pageInfo: { endCursor: string }; edges: { node: Entry }[] } }>(
      server.url,
      AUDIT_LOG,
      variables,
      { key },
    );
  }
  const entries = async (filter: Record<string, unknown>) =>
    (await auditLog({ filter, first: 100 })).data!.auditLog.edges.map(({ node }) => node);

  beforeAll(async () => {
    server = await startTestServer();
    admin = await server.createApiKey('admin', 'head of ops');
    operator = await server.createApiKey('operator', 'night shift');
    operatorId = (
      await graphql<{ me: { keyId: string } }>(server.url, '{ me { keyId } }', undefined, { key: operator })
    ).data!.me.keyId;
  });
  afterAll(() => server.stop());

  it("records an operator's mutation: when, which key, the operation, its arguments and outcome", async () => {
    const before = Date.now();
    const response = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${operator}` },
      body: JSON.stringify({
        query: CREATE_SENDER,
        variables: { input: { name: 'Box office', email: 'box@example.com' } },
      }),
    });
    const { data } = (await response.json()) as { data: { createSender: { id: string } } };
    const [entry] = await entries({ key: operatorId, operation: 'createSender' });
    expect(entry).toMatchObject({
      keyId: operatorId,
      keyName: 'night shift',
      role: 'OPERATOR',
      operation: 'createSender',
      arguments: { input: { name: 'Box office', email: 'box@example.com' } },
      outcome: 'OK',
      errorCode: null,
      resultId: data.createSender.id,
      via: 'GRAPHQL',
      requestId: response.headers.get('x-request-id'),
      clientAddress: '127.0.0.1',
    });
    expect(Date.parse(entry!.at)).toBeGreaterThanOrEqual(before - 1000);
  });

  it('records refusals with their code, and leaves out the mutations of viewers and agents', async () => {
    const bad = await graphql(
      server.url,
      CREATE_SENDER,
      { input: { name: 'x', email: 'not an address' } },
      { key: operator },
    );
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const forbidden = await graphql(
      server.url,
      'mutation { createApiKey(input: { role: ADMIN, name: "me too" }) { key } }',
      undefined,
      {
        key: operator,
      },
    );
    expect(forbidden.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await entries({ key: operatorId, operation: 'createApiKey' }))[0]).toMatchObject({
      outcome: 'ERROR',
      errorCode: 'FORBIDDEN',
      arguments: { input: { role: 'ADMIN', name: 'me too' } },
    });
    expect((await entries({ key: operatorId, operation: 'createSender' }))[0]).toMatchObject({
      outcome: 'ERROR',
      errorCode: 'BAD_USER_INPUT',
    });

    const viewer = await server.createApiKey('viewer', 'curious viewer');
    await graphql(server.url, CREATE_SENDER, { input: { name: 'x', email: 'x@example.com' } }, { key: viewer });
    expect(await entries({ key: 'curious viewer' })).toEqual([]);
  });

  it('keeps an upload as its file name, never its contents', async () => {
    const csv = Buffer.from('email,name\nsecret.fan@example.com,Fan\n');
    const { body } = await uploadLeadsMutation(server.url, operator, csv, 'fair leads.csv', 'Fair');
    expect(body.errors).toBeUndefined();
    const [entry] = await entries({ operation: 'uploadLeads' });
    expect(entry).toMatchObject({
      arguments: { file: { file: 'fair leads.csv' }, listName: 'Fair' },
      outcome: 'OK',
      resultId: (body.data!.uploadLeads as { id: string }).id,
    });
    expect(JSON.stringify(entry)).not.toContain('secret.fan');
  });

  it('records key creation, rotation and revocation without the keys themselves', async () => {
    const created = await graphql<{ createApiKey: { key: string; apiKey: { id: string } } }>(
      server.url,
      'mutation { createApiKey(input: { role: VIEWER, name: "wallboard" }) { key apiKey { id } } }',
      undefined,
      { key: admin },
    );
    const { key, apiKey } = created.data!.createApiKey;
    const rotated = await graphql<{ rotateApiKey: { key: string; apiKey: { id: string } } }>(
      server.url,
      'mutation ($id: ID!) { rotateApiKey(id: $id, graceSeconds: 60) { key apiKey { id } } }',
      { id: apiKey.id },
      { key: admin },
    );
    const replacement = rotated.data!.rotateApiKey;
    await graphql(
      server.url,
      'mutation ($id: ID!) { revokeApiKey(id: $id) { id } }',
      { id: replacement.apiKey.id },
      {
        key: admin,
      },
    );
    const recorded = await entries({ key: 'head of ops' });
    expect(recorded.slice(0, 3).map(({ operation, resultId, outcome }) => [operation, resultId, outcome])).toEqual([
      ['revokeApiKey', replacement.apiKey.id, 'OK'],
      ['rotateApiKey', replacement.apiKey.id, 'OK'],
      ['createApiKey', apiKey.id, 'OK'],
    ]);
    expect(recorded[1]!.arguments).toEqual({ id: apiKey.id, graceSeconds: 60 });
    const everything = JSON.stringify(await server.app.db.collection(AUDIT_LOG_COLLECTION).find({}).toArray());
    expect(everything).not.toContain(key);
    expect(everything).not.toContain(replacement.key);
  });

  it('records mutations sent over a WebSocket', async () => {
    const { client } = openSocket(server.wsUrl, operator);
    const outcome = await runOnce(client, CREATE_SENDER, { input: { name: 'Socket sender', email: 'ws@example.com' } });
    expect(outcome).toHaveProperty('data.createSender.id');
    await client.dispose();
    const [entry] = await entries({ key: operatorId, operation: 'createSender' });
    expect(entry).toMatchObject({ arguments: { input: { name: 'Socket sender' } }, via: 'GRAPHQL', outcome: 'OK' });
  });

  it('records CLI commands run in the service through its command route', async () => {
    const run = (flags: Record<string, string>) =>
      fetch(new URL('/admin/commands/create-api-key', server.url), {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
        body: JSON.stringify({ flags, positional: [] }),
      });
    expect((await run({ role: 'viewer', name: 'from the console' })).status).toBe(200);
    expect((await run({ role: 'viewer', name: 'x', colour: 'red' })).status).toBe(200);
    const [failed, done] = await entries({ operation: 'cli:create-api-key' });
    expect(done).toMatchObject({
      keyName: 'head of ops',
      role: 'ADMIN',
      arguments: { flags: { role: 'viewer', name: 'from the console' }, positional: [] },
      outcome: 'OK',
      via: 'CLI',
    });
    expect(failed).toMatchObject({ outcome: 'ERROR', errorCode: 'EXIT_2' });
  });

  it('lists entries for admins only, newest first, by key id or name, operation and time, in pages', async () => {
    const forbidden = await auditLog({}, operator);
    expect(forbidden.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    const byId = await entries({ key: operatorId });
    const byName = await entries({ key: 'night shift' });
    expect(byName.map(({ id }) => id)).toEqual(byId.map(({ id }) => id));
    expect(byId.length).toBeGreaterThanOrEqual(5);
    const times = byId.map(({ at }) => Date.parse(at));
    expect([...times].sort((a, b) => b - a)).toEqual(times);

    const middle = byId[2]!.at;
    const fromMiddle = await entries({ key: operatorId, from: middle });
    expect(fromMiddle.every(({ at }) => Date.parse(at) >= Date.parse(middle))).toBe(true);
    const beforeMiddle = await entries({ key: operatorId, to: middle });
    expect(fromMiddle.length + beforeMiddle.length).toBe(byId.length);

    const first = await auditLog({ filter: { key: operatorId }, first: 2 });
    const second = await auditLog({
      filter: { key: operatorId },
      first: 2,
      after: first.data!.auditLog.pageInfo.endCursor,
    });
    expect([...first.data!.auditLog.edges, ...second.data!.auditLog.edges].map(({ node }) => node.id)).toEqual(
      byId.slice(0, 4).map(({ id }) => id),
    );
    expect(first.data!.auditLog.totalCount).toBe(byId.length);
  });
});

describe('CLI commands run on the store itself', () => {
  it('are recorded with the user at the console', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'campaign-hub-audit-cli-'));
    try {
      const result = await runTs('src/cli/index.ts', ['create-api-key', '--role', 'viewer', '--name', 'kiosk'], {
        DATA_DIR: dataDir,
      });
      expect(result.code).toBe(0);
      const store = await openStore({ dataDir });
      try {
        const logged = await store.db.collection<AuditEntryDocument>(AUDIT_LOG_COLLECTION).find({}).toArray();
        expect(logged).toEqual([
          expect.objectContaining({
            keyName: expect.stringMatching(/^cli/),
            operation: 'cli:create-api-key',
            arguments: { flags: { role: 'viewer', name: 'kiosk' }, positional: [] },
            outcome: 'OK',
            via: 'CLI',
          }),
        ]);
        expect(logged[0]).not.toHaveProperty('keyId');
      } finally {
        await store.close();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
