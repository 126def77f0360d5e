import { findPrincipalByKey } from '../../src/auth/apiKeys';
import { graphql } from '../support/graphql';
import { startTestServer, type TestServer } from '../support/server';
import { openSocket, runOnce, waitFor } from './support';

const ME = '{ me { keyId name role } }';

interface KeyFields {
  id: string;
  name: string;
  role: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  requestsPerMinute: number | null;
  rotatedFrom: string | null;
  replacedBy: string | null;
}
const KEY_FIELDS = 'id name role expiresAt lastUsedAt requestsPerMinute rotatedFrom replacedBy';

describe('API key lifecycle', () => {
  let server: TestServer;
  let admin: string;

  const asAdmin = <R>(query: string, variables?: Record<string, unknown>) =>
    graphql<R>(server.url, query, variables, { key: admin });

  async function createKey(input: Record<string, unknown>) {
    const answer = await asAdmin<{ createApiKey: { key: string; apiKey: KeyFields } }>(
      `mutation ($input: CreateApiKeyInput!) { createApiKey(input: $input) { key apiKey { ${KEY_FIELDS} } } }`,
      { input },
    );
    expect(answer.errors).toBeUndefined();
    return answer.data!.createApiKey;
  }

  async function keyById(id: string): Promise<KeyFields | undefined> {
    const answer = await asAdmin<{ apiKeys: { edges: { node: KeyFields }[] } }>(
      `{ apiKeys(first: 100, includeRevoked: true) { edges { node { ${KEY_FIELDS} } } } }`,
    );
    return answer.data!.apiKeys.edges.map(({ node }) => node).find((node) => node.id === id);
  }

  const rotate = (id: string, graceSeconds: number) =>
    asAdmin<{ rotateApiKey: { key: string; apiKey: KeyFields } }>(
      `mutation ($id: ID!, $grace: Int!) { rotateApiKey(id: $id, graceSeconds: $grace) { key apiKey { ${KEY_FIELDS} } } }`,
      { id, grace: graceSeconds },
    );

  beforeAll(async () => {
    server = await startTestServer();
    admin = await server.createApiKey('admin');
  });
  afterAll(() => server.stop());

  it('refuses bad key settings with coded errors naming the field', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ role: 'VIEWER', name: 'past', expiresAt: '2020-01-01T00:00:00Z' }, 'expiresAt'],
      [{ role: 'VIEWER', name: 'none', requestsPerMinute: 0 }, 'requestsPerMinute'],
      [{ role: 'VIEWER', name: 'too many', costPerMinute: 2_000_000_000 }, 'costPerMinute'],
    ];
    for (const [input, field] of cases) {
      const answer = await asAdmin(`mutation ($input: CreateApiKeyInput!) { createApiKey(input: $input) { key } }`, {
        input,
      });
      expect(answer.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
    const operator = await server.createApiKey('operator');
    const forbidden = await graphql(
      server.url,
      'mutation { createApiKey(input: { role: VIEWER, name: "x", requestsPerMinute: 100000 }) { key } }',
      undefined,
      { key: operator },
    );
    expect(forbidden.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('refuses an expired key as a revoked one: 401 over HTTP, its sockets closed with 4403', async () => {
    const expiresAt = new Date(Date.now() + 1500).toISOString();
    const { key, apiKey } = await createKey({ role: 'VIEWER', name: 'short-lived', expiresAt });
    expect(apiKey.expiresAt).toBe(expiresAt);
    expect((await graphql(server.url, ME, undefined, { key })).status).toBe(200);
    const { client, closes } = openSocket(server.wsUrl, key);
    expect(await runOnce(client, ME)).toHaveProperty('data.me.name', 'short-lived');

    await waitFor(() => closes.length > 0, 'the socket of the expired key to close');
    expect(closes[0]).toEqual({ code: 4403, reason: 'The API key of this connection has expired' });
    const refused = await graphql(server.url, ME, undefined, { key });
    expect(refused.status).toBe(401);
    expect(refused.errors?.[0]).toMatchObject({
      message: expect.stringMatching(/expired/),
      extensions: { code: 'UNAUTHENTICATED' },
    });
    await client.dispose();

    const listed = await asAdmin<{ apiKeys: { edges: { node: { id: string } }[] } }>(
      '{ apiKeys(first: 100) { edges { node { id } } } }',
    );
    expect(listed.data!.apiKeys.edges.map(({ node }) => node.id)).not.toContain(apiKey.id);
    expect(await keyById(apiKey.id)).toMatchObject({ id: apiKey.id });
  });

  it('keeps lastUsedAt to the minute: written once for many requests', async () => {
    const { key, apiKey } = await createKey({ role: 'VIEWER', name: 'busy' });
    expect(apiKey.lastUsedAt).toBeNull();
    const before = Date.now();
    await graphql(server.url, ME, undefined, { key });
    let firstUse: string | null = null;
    await waitFor(async () => {
      firstUse = (await keyById(apiKey.id))!.lastUsedAt;
      return firstUse !== null;
    }, 'lastUsedAt');
    expect(Date.parse(firstUse!)).toBeGreaterThanOrEqual(before - 1000);

    const changed: string[][] = [];
    const stream = server.app.db.collection('api_keys').watch();
    stream.on('change', (change) => {
      if (change.operationType !== 'update' || String(change.documentKey._id) !== apiKey.id) return;
      changed.push(Object.keys(change.updateDescription.updatedFields ?? {}));
    });
    const sockets = openSocket(server.wsUrl, key);
    for (let i = 0; i < 20; i += 1) {
      await graphql(server.url, ME, undefined, { key });
      await runOnce(sockets.client, ME);
    }
    await sockets.client.dispose();
    expect((await keyById(apiKey.id))!.lastUsedAt).toBe(firstUse);
    // The stream sees this key's writes: the revocation arrives, alone.
    await asAdmin('mutation ($id: ID!) { revokeApiKey(id: $id) { id } }', { id: apiKey.id });
    await waitFor(() => changed.length > 0, 'the revocation on the change stream');
    await stream.close();
    expect(changed).toEqual([['revokedAt']]);
  });

  it('rotates a key: the new one takes its name, role and limits; the old one works until its grace ends', async () => {
    const { key: oldKey, apiKey: old } = await createKey({
      role: 'OPERATOR',
      name: 'deploy bot',
      requestsPerMinute: 500,
    });
    const rotated = await rotate(old.id, 3600);
    expect(rotated.errors).toBeUndefined();
    const { key: newKey, apiKey: replacement } = rotated.data!.rotateApiKey;
    expect(replacement).toMatchObject({
      name: 'deploy bot',
      role: 'OPERATOR',
      requestsPerMinute: 500,
      rotatedFrom: old.id,
    });
    expect(newKey).not.toBe(oldKey);
    const previous = await keyById(old.id);
    expect(previous?.replacedBy).toBe(replacement.id);
    const graceEnd = Date.parse(previous!.expiresAt!);
    expect(graceEnd).toBeGreaterThan(Date.now() + 3_500_000);
    expect(graceEnd).toBeLessThanOrEqual(Date.now() + 3_600_000);
    for (const key of [oldKey, newKey]) {
      expect((await graphql(server.url, ME, undefined, { key })).data).toMatchObject({ me: { name: 'deploy bot' } });
    }
    expect((await rotate(old.id, 60)).errors?.[0]).toMatchObject({
      message: expect.stringContaining(replacement.id),
      extensions: { code: 'CONFLICT' },
    });
  });

  it('rotates with no grace: the old key is refused at once and its sockets closed', async () => {
    const { key: oldKey, apiKey: old } = await createKey({ role: 'VIEWER', name: 'leaked' });
    const { client, closes } = openSocket(server.wsUrl, oldKey);
    expect(await runOnce(client, ME)).toHaveProperty('data.me.name', 'leaked');
    const rotated = await rotate(old.id, 0);
    expect(rotated.errors).toBeUndefined();
    expect((await graphql(server.url, ME, undefined, { key: oldKey })).status).toBe(401);
    expect(await findPrincipalByKey(server.app.db, rotated.data!.rotateApiKey.key)).toMatchObject({ name: 'leaked' });
    await waitFor(() => closes.length > 0, 'the socket of the rotated key to close');
    expect(closes[0]?.code).toBe(4403);
    await client.dispose();
    expect((await rotate(old.id, 10)).errors?.[0]?.extensions?.code).toBe('CONFLICT');
  });

  it('answers a bad rotation with a coded error', async () => {
    const { apiKey } = await createKey({ role: 'VIEWER', name: 'to revoke' });
    expect((await rotate(apiKey.id, -1)).errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'graceSeconds',
    });
    expect((await rotate(apiKey.id, 31 * 86_400)).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect((await rotate('no-such-key', 60)).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    await asAdmin('mutation ($id: ID!) { revokeApiKey(id: $id) { id } }', { id: apiKey.id });
    expect((await rotate(apiKey.id, 60)).errors?.[0]?.extensions?.code).toBe('CONFLICT');
  });
});

describe('API key commands', () => {
  let server: TestServer;
  let admin: string;
  const run = async (name: string, flags: Record<string, string>) => {
    const response = await fetch(new URL(`/admin/commands/${name}`, server.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
      body: JSON.stringify({ flags, positional: [] }),
    });
    return (await response.json()) as { exitCode: number; output: string; error?: string };
  };

  beforeAll(async () => {
    server = await startTestServer();
    admin = await server.createApiKey('admin');
  });
  afterAll(() => server.stop());

  it('create-api-key takes an expiry and limits; rotate-api-key prints the new key alone on the last line', async () => {
    const created = await run('create-api-key', {
      role: 'viewer',
      name: 'dashboards benchmark',
      'expires-at': '2099-01-01T00:00:00Z',
      'requests-per-minute': '1000000',
      'cost-per-minute': '100000000',
    });
    expect(created.exitCode).toBe(0);
    const key = created.output.trimEnd().split('\n').at(-1)!;
    const principal = await findPrincipalByKey(server.app.db, key);
    expect(principal).toMatchObject({ requestsPerMinute: 1_000_000, costPerMinute: 100_000_000 });
    expect(principal?.expiresAt?.toISOString()).toBe('2099-01-01T00:00:00.000Z');

    const rotated = await run('rotate-api-key', { id: principal!.keyId, 'grace-seconds': '600' });
    expect(rotated.exitCode).toBe(0);
    expect(rotated.output).toMatch(new RegExp(`API key ${principal!.keyId} works until `));
    const replacement = await findPrincipalByKey(server.app.db, rotated.output.trimEnd().split('\n').at(-1)!);
    expect(replacement).toMatchObject({ name: 'dashboards benchmark', requestsPerMinute: 1_000_000 });
  });

  it.each([
    ['create-api-key', { role: 'viewer', name: 'x', 'expires-at': 'tomorrow' }, /--expires-at: a date and time/],
    [
      'create-api-key',
      { role: 'viewer', name: 'x', 'requests-per-minute': 'lots' },
      /--requests-per-minute: a whole number/,
    ],
    ['rotate-api-key', { id: 'k' }, /--grace-seconds is required/],
  ])('%s %j exits 2 naming the flag', async (name, flags, message) => {
    const answer = await run(name, flags);
    expect(answer.exitCode).toBe(2);
    expect(answer.error).toMatch(message);
  });
});
