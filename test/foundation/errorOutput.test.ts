import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { loadConfig } from '../../src/config';
import { graphql, type GraphQLResponse } from '../support/graphql';
import { startTestServer, type TestServer } from '../support/server';

const stacktraces = (response: Pick<GraphQLResponse<unknown>, 'errors'>) =>
  (response.errors ?? []).filter((error) => error.extensions && 'stacktrace' in error.extensions);

/** The errors of one operation over graphql-ws. */
function overSocket(wsUrl: string, query: string): Promise<{ errors?: GraphQLResponse<unknown>['errors'] }> {
  const client = createClient({ url: wsUrl, webSocketImpl: WebSocket, retryAttempts: 0 });
  return new Promise((resolve) => {
    let errors: GraphQLResponse<unknown>['errors'];
    client.subscribe(
      { query },
      {
        next: (result) => void (errors = result.errors as typeof errors),
        error: (refused) => resolve({ errors: refused as typeof errors }),
        complete: () => resolve({ errors }),
      },
    );
  }).finally(() => client.dispose()) as Promise<{ errors?: GraphQLResponse<unknown>['errors'] }>;
}

/** Errors of every kind: unauthenticated, a wrong key, a bad document, a validation failure, a NOT_FOUND. */
async function errorsOfEveryKind(server: TestServer, admin: string) {
  return [
    await graphql(server.url, '{ me { name } }'),
    await graphql(server.url, '{ health { status } }', {}, { key: 'chk_wrongwrongwrongwrongwrongwrong' }),
    await graphql(server.url, '{ health { '),
    await graphql(server.url, '{ healthh }'),
    await graphql(server.url, 'mutation { revokeApiKey(id: "no-such-key") { id } }', {}, { key: admin }),
    await overSocket(server.wsUrl, '{ me { name } }'),
    await overSocket(server.wsUrl, '{ healthh }'),
  ];
}

describe('error output in development', () => {
  let server: TestServer;
  let admin: string;
  beforeAll(async () => {
    server = await startTestServer({ NODE_ENV: 'development' });
    admin = await server.createApiKey('admin');
  });
  afterAll(() => server.stop());

  it('sends no stack trace to a client, whatever the error', async () => {
    const responses = await errorsOfEveryKind(server, admin);
    for (const response of responses) expect(response.errors?.length).toBeGreaterThan(0);
    expect(responses.flatMap(stacktraces)).toEqual([]);
  });
});

describe('UNSAFE_EXPOSE_STACK_TRACES=true', () => {
  let server: TestServer;
  let admin: string;
  beforeAll(async () => {
    server = await startTestServer({ NODE_ENV: 'development', UNSAFE_EXPOSE_STACK_TRACES: 'true' });
    admin = await server.createApiKey('admin');
  });
  afterAll(() => server.stop());

  it('sends stack traces, as asked', async () => {
    const notFound = await graphql(
      server.url,
      'mutation { revokeApiKey(id: "no-such-key") { id } }',
      {},
      { key: admin },
    );
    expect(notFound.errors?.[0]?.extensions).toMatchObject({
      code: 'NOT_FOUND',
      stacktrace: expect.arrayContaining([expect.stringContaining('API key no-such-key')]),
    });
  });

  it('is refused in production', () => {
    expect(() =>
      loadConfig({ NODE_ENV: 'production', UNSAFE_EXPOSE_STACK_TRACES: 'true', TRACKING_SECRET: 'x'.repeat(32) }),
    ).toThrow(/UNSAFE_EXPOSE_STACK_TRACES/);
  });
});
