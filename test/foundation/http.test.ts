import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ApiKeysDocument,
  CreateApiKeyDocument,
  HealthDocument,
  MeDocument,
  RevokeApiKeyDocument,
} from '../generated/graphql';
import { graphql } from '../support/graphql';
import { startTestServer, type TestServer } from '../support/server';

const LIMITS = { GRAPHQL_MAX_DEPTH: '8', GRAPHQL_MAX_COMPLEXITY: '200', BODY_LIMIT_BYTES: '4096' };

describe('HTTP surface', () => {
  let server: TestServer;
  let adminKey: string;
  let viewerKey: string;

  beforeAll(async () => {
    server = await startTestServer(LIMITS);
    adminKey = await server.createApiKey('admin', 'test admin');
    viewerKey = await server.createApiKey('viewer', 'test viewer');
  });
  afterAll(() => server.stop());

  const at = (path: string) => new URL(path, server.url).toString();

  it('answers /healthz, /readyz and /metrics', async () => {
    expect((await fetch(at('/healthz'))).status).toBe(200);
    const ready = await fetch(at('/readyz'));
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', store: { engine: 'embedded', reachable: true } });
    await graphql(server.url, HealthDocument, {}, { operationName: 'Health' });
    const metrics = await (await fetch(at('/metrics'))).text();
    expect(metrics).toMatch(/graphql_requests_total\{operation="Health",type="query"\} \d+/);
    expect(metrics).toContain('graphql_request_duration_seconds_bucket');
    expect(metrics).toContain('process_cpu_user_seconds_total');
    // The keys created above were written, on the store's writer thread: their transactions are timed.
    expect(metrics).toMatch(/store_write_transaction_held_seconds_bucket\{[^}]*le="0\.02"[^}]*thread="writer"\} [1-9]/);
  });

  it('echoes a sane X-Request-Id and makes one up otherwise', async () => {
    const post = (requestId: string) =>
      fetch(server.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-request-id': requestId },
        body: JSON.stringify({ query: '{ __typename }' }),
      });
    expect((await post('trace-42')).headers.get('x-request-id')).toBe('trace-42');
    expect((await post('bad id with spaces')).headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('serves public fields without a key and `me` only with one', async () => {
    const health = await graphql(server.url, HealthDocument);
    expect(health.data?.health).toMatchObject({ status: 'OK', storeEngine: 'EMBEDDED' });
    const anonymous = await graphql(server.url, MeDocument);
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const viewer = await graphql(server.url, MeDocument, {}, { key: viewerKey });
    expect(viewer.data?.me).toMatchObject({ name: 'test viewer', role: 'VIEWER', anonymous: false });
  });

  it('refuses an invalid or malformed key with 401 UNAUTHENTICATED', async () => {
    const wrong = await graphql(server.url, HealthDocument, {}, { key: `${adminKey.slice(0, -4)}AAAA` });
    expect(wrong.status).toBe(401);
    expect(wrong.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const malformed = await graphql(server.url, HealthDocument, {}, { headers: { authorization: 'Basic abc' } });
    expect(malformed.status).toBe(401);
    expect(malformed.errors?.[0]?.message).toContain('Bearer');
  });

  it('checks roles: a viewer may not manage keys, an admin may, and a revoked key stops working', async () => {
    const input = { role: 'OPERATOR' as const, name: 'ops dashboard' };
    const denied = await graphql(server.url, CreateApiKeyDocument, { input }, { key: viewerKey });
    expect(denied.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const created = await graphql(server.url, CreateApiKeyDocument, { input }, { key: adminKey });
    const newKey = created.data!.createApiKey.key;
    expect(created.data?.createApiKey.apiKey).toMatchObject({ role: 'OPERATOR', name: 'ops dashboard' });
    expect(newKey.startsWith(created.data!.createApiKey.apiKey.prefix)).toBe(true);
    expect((await graphql(server.url, MeDocument, {}, { key: newKey })).data?.me.role).toBe('OPERATOR');
    const list = await graphql(server.url, ApiKeysDocument, { first: 10 }, { key: adminKey });
    expect(list.data?.apiKeys.edges.map((edge) => edge.node.name)).toContain('ops dashboard');
    expect(JSON.stringify(list.data)).not.toContain(newKey);
    await graphql(server.url, RevokeApiKeyDocument, { id: created.data!.createApiKey.apiKey.id }, { key: adminKey });
    expect((await graphql(server.url, MeDocument, {}, { key: newKey })).status).toBe(401);
  });

  it('rejects bad input to createApiKey with BAD_USER_INPUT naming the field', async () => {
    const agentWithoutId = await graphql(
      server.url,
      CreateApiKeyDocument,
      { input: { role: 'AGENT', name: 'a' } },
      { key: adminKey },
    );
    expect(agentWithoutId.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'agentId' });
    const badEnum = await graphql(
      server.url,
      CreateApiKeyDocument,
      { input: { role: 'ROOT' as never, name: 'a' } },
      { key: adminKey },
    );
    expect(badEnum.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('answers a malformed JSON body with 400 and keeps serving', async () => {
    const response = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"query": "{ health',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      errors: [{ message: 'The request body is not valid JSON', extensions: { code: 'BAD_USER_INPUT' } }],
    });
    expect((await graphql(server.url, HealthDocument)).data?.health.status).toBe('OK');
  });

  it('takes JSON POSTs whatever the type parameters and query string, and answers a body-less one clearly', async () => {
    const post = (url: string, contentType: string, body?: string) =>
      fetch(url, { method: 'POST', headers: { 'content-type': contentType }, body });
    const query = JSON.stringify({ query: '{ health { status } }' });
    for (const [url, type] of [
      [server.url, 'application/json; charset=utf-8'],
      [server.url, 'Application/JSON ;charset=UTF-8'],
      [`${server.url}?via=dashboard`, 'application/json'],
    ] as const) {
      const response = await post(url, type, query);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
      const text = await response.text();
      expect(Number(response.headers.get('content-length'))).toBe(Buffer.byteLength(text));
      expect(JSON.parse(text)).toEqual({ data: { health: { status: 'OK' } } });
    }
    const empty = await post(server.url, 'application/json');
    expect(empty.status).toBe(400);
    expect(await empty.text()).toContain('POST body missing');
    // Not JSON: Apollo's CSRF prevention refuses it, as before.
    const text = await post(server.url, 'text/plain', query);
    expect(text.status).toBe(400);
  });

  it('answers an unknown operation name and an unknown field clearly', async () => {
    const unknownOperation = await graphql(server.url, HealthDocument, {}, { operationName: 'Nope' });
    expect(unknownOperation.errors?.[0]).toMatchObject({
      message: expect.stringContaining('Nope'),
      extensions: { code: 'BAD_USER_INPUT', reason: 'OPERATION_RESOLUTION_FAILURE' },
    });
    const unknownField = await graphql(server.url, '{ healthh { status } }');
    expect(unknownField.status).toBe(400);
    expect(unknownField.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      reason: 'GRAPHQL_VALIDATION_FAILED',
    });
    const unparsable = await graphql(server.url, '{ health { ');
    expect(unparsable.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      reason: 'GRAPHQL_PARSE_FAILED',
    });
  });

  it('refuses a query 30 levels deep before running it, and keeps serving', async () => {
    // 29 nested apiKeys plus the leaf: 30 levels of fields.
    const deep = `query Deep { ${'apiKeys { '.repeat(29)}totalCount${' }'.repeat(29)} }`;
    const response = await graphql(server.url, deep, {}, { key: adminKey });
    expect(response.status).toBe(400);
    expect(response.errors?.[0]).toMatchObject({
      message: 'The operation "Deep" is 30 levels deep; the limit is 8',
      extensions: { code: 'BAD_USER_INPUT', reason: 'QUERY_TOO_DEEP', limit: 8, actual: 30 },
    });
    expect((await graphql(server.url, HealthDocument)).data?.health.status).toBe('OK');
  });

  it('refuses a very complex query with its measured complexity', async () => {
    const fields = Array.from({ length: 110 }, (_, i) => `h${i}:health{status storeEngine}`).join(' ');
    const response = await graphql(server.url, `query Wide { ${fields} }`);
    expect(response.status).toBe(400);
    expect(response.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      reason: 'QUERY_TOO_COMPLEX',
      limit: 200,
      actual: 330,
    });
    const pages = await graphql(server.url, ApiKeysDocument, { first: 100 }, { key: adminKey });
    expect(pages.errors?.[0]?.extensions).toMatchObject({ reason: 'QUERY_TOO_COMPLEX', actual: 1401 });
    expect((await graphql(server.url, HealthDocument)).data?.health.status).toBe('OK');
  });

  it('answers a body over BODY_LIMIT_BYTES with 413 PAYLOAD_TOO_LARGE and keeps serving', async () => {
    const response = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ health { status } }${' '.repeat(8000)}` }),
    });
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ errors: [{ extensions: { code: 'PAYLOAD_TOO_LARGE' } }] });
    expect((await graphql(server.url, HealthDocument)).data?.health.status).toBe('OK');
  });

  it('runs queries over GET (with a CSRF preflight header) and refuses mutations there', async () => {
    const query = `${server.url}?query=${encodeURIComponent('{ health { status } }')}`;
    expect((await fetch(query, { headers: { accept: 'application/json' } })).status).toBe(400);
    const get = await fetch(query, { headers: { accept: 'application/json', 'apollo-require-preflight': 'true' } });
    expect(await get.json()).toEqual({ data: { health: { status: 'OK' } } });
    const mutation = await fetch(
      `${server.url}?query=${encodeURIComponent('mutation { revokeApiKey(id: "x") { id } }')}`,
      {
        headers: { accept: 'application/json', 'apollo-require-preflight': 'true' },
      },
    );
    expect(mutation.status).toBe(405);
  });

  it('lets multipart requests through only with a CSRF preflight header', async () => {
    const multipart = () => {
      const form = new FormData();
      form.append('operations', JSON.stringify({ query: '{ health { status } }' }));
      form.append('map', '{}');
      return form;
    };
    const blocked = await fetch(server.url, { method: 'POST', body: multipart() });
    expect(blocked.status).toBe(400);
    const allowed = await fetch(server.url, {
      method: 'POST',
      body: multipart(),
      headers: { 'apollo-require-preflight': 'true' },
    });
    expect(await allowed.json()).toEqual({ data: { health: { status: 'OK' } } });
  });

  it('answers a malformed multipart request with 400 BAD_USER_INPUT', async () => {
    const form = new FormData();
    form.append('operations', '{ not json');
    form.append('map', '{}');
    const response = await fetch(server.url, {
      method: 'POST',
      body: form,
      headers: { 'apollo-require-preflight': 'true' },
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      errors: [{ message: expect.stringContaining('operations'), extensions: { code: 'BAD_USER_INPUT' } }],
    });
  });

  it('answers unknown routes with a JSON 404', async () => {
    const response = await fetch(at('/nowhere'));
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ errors: [{ extensions: { code: 'NOT_FOUND' } }] });
  });
});

describe('ALLOW_ANONYMOUS_VIEWER=true', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ ALLOW_ANONYMOUS_VIEWER: 'true' });
  });
  afterAll(() => server.stop());

  it('lets a caller without a key read as a viewer, and nothing more', async () => {
    const me = await graphql(server.url, MeDocument);
    expect(me.data?.me).toMatchObject({ role: 'VIEWER', anonymous: true });
    const create = await graphql(server.url, CreateApiKeyDocument, { input: { role: 'ADMIN', name: 'sneaky' } });
    expect(create.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('still refuses a wrong key rather than downgrading it to anonymous', async () => {
    expect((await graphql(server.url, MeDocument, {}, { key: 'chk_wrongwrongwrongwrongwrongwrong' })).status).toBe(401);
  });
});

describe('two instances on one DATA_DIR', () => {
  it('share keys: a key created through one works on the other', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'campaign-hub-shared-'));
    const first = await startTestServer({ DATA_DIR: dataDir });
    const second = await startTestServer({ DATA_DIR: dataDir });
    try {
      const key = await first.createApiKey('operator', 'shared');
      expect((await graphql(second.url, MeDocument, {}, { key })).data?.me).toMatchObject({
        name: 'shared',
        role: 'OPERATOR',
      });
    } finally {
      await second.stop();
      await first.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
