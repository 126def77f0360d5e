import 'reflect-metadata';
import { GraphQLError, parse, type GraphQLSchema } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { loadConfig } from '../../src/config';
import { systemFeature } from '../../src/features/system';
import { buildAppSchema } from '../../src/schema';
import { admitQuery } from '../../src/server/admitQuery';
import { checkQueryComplexity, queryLimitsOf } from '../../src/server/limits';
import { graphql } from '../support/graphql';
import { startTestServer, type TestServer } from '../support/server';

/** The documents that cost seconds of CPU or a stack overflow before any limit applied. */
const attacks = {
  /** 20,000 aliased __typename: 369 KB, well under the body limit. */
  aliases: `{ ${Array.from({ length: 20_000 }, (_, i) => `a${i}: __typename`).join(' ')} }`,
  /** Under the size limit, over the token limit. */
  tokens: `{ ${Array.from({ length: 3_000 }, (_, i) => `a${i}: __typename`).join(' ')} }`,
  /** Under the token limit: one fragment of 100 fields spread 60 times. */
  fragments: `{ ${'...F '.repeat(60)}} fragment F on Query { ${'__typename '.repeat(100)}}`,
  /** Doubling fragments: 2^30 fields once expanded, from 30 short lines. */
  fragmentBomb: [
    '{ ...F0 }',
    ...Array.from({ length: 30 }, (_, i) => `fragment F${i} on Query { health { status } ...F${i + 1} ...F${i + 1} }`),
    'fragment F30 on Query { __typename }',
  ].join('\n'),
  /** 3,000 levels of fields: the parser's recursion overflows the stack. */
  deep: `{ ${'health { '.repeat(3_000)}status${' }'.repeat(3_000)} }`,
  /** 3,000 levels of list values in an argument. */
  deepList: `{ apiKeys(first: ${'['.repeat(3_000)}1${']'.repeat(3_000)}) { totalCount } }`,
};

const expectedReasons: Record<keyof typeof attacks, string> = {
  aliases: 'QUERY_TOO_LARGE',
  tokens: 'QUERY_TOO_MANY_TOKENS',
  fragments: 'QUERY_TOO_COMPLEX',
  fragmentBomb: 'QUERY_TOO_COMPLEX',
  deep: 'QUERY_TOO_DEEP',
  deepList: 'QUERY_TOO_DEEP',
};

/** Best of a few runs: the cost of the work itself, not of whatever else the machine did meanwhile. */
async function fastestMs(run: () => unknown, times = 5): Promise<number> {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < times; i++) {
    const started = performance.now();
    await run();
    best = Math.min(best, performance.now() - started);
  }
  return best;
}

describe('query cost before parsing and validation', () => {
  const limits = queryLimitsOf(loadConfig({}));
  let schema: GraphQLSchema;
  beforeAll(async () => {
    schema = await buildAppSchema(systemFeature.resolvers!);
  });

  it.each(Object.keys(attacks) as (keyof typeof attacks)[])(
    'refuses %s with BAD_USER_INPUT in under 10 ms',
    async (name) => {
      const admitted = admitQuery(attacks[name], limits);
      expect(admitted).toBeInstanceOf(GraphQLError);
      expect((admitted as GraphQLError).extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        reason: expectedReasons[name],
      });
      expect(await fastestMs(() => admitQuery(attacks[name], limits))).toBeLessThan(10);
    },
  );

  it('counts every field, alias and __typename, fragments expanded', () => {
    const tight = { ...limits, maxComplexity: 4 };
    expect(admitQuery('{ a: __typename b: __typename health { status } }', tight)).not.toBeInstanceOf(GraphQLError);
    expect(admitQuery('{ a: __typename b: __typename c: __typename health { status } }', tight)).toMatchObject({
      extensions: { reason: 'QUERY_TOO_COMPLEX', limit: 4, actual: 5 },
    });
    expect(
      admitQuery('{ ...F ...F } fragment F on Query { __typename x: __typename h: __typename }', tight),
    ).toMatchObject({
      extensions: { reason: 'QUERY_TOO_COMPLEX', actual: 6 },
    });
  });

  it('admits what clients send: an operation with fragments, variables and introspection', () => {
    const query = `query Keys($first: Int) {
        apiKeys(first: $first) { ...Page } __schema { types { name fields { name } } } }
      fragment Page on ApiKeyConnection { totalCount edges { node { id name role } } }`;
    expect(admitQuery(query, limits)).toEqual(parse(query));
  });

  it('prices 20,000 aliased __typename at 20,000, not at nothing', () => {
    const document = parse(attacks.aliases);
    expect(checkQueryComplexity(schema, document, undefined, {}, 5000)).toMatchObject({
      extensions: { reason: 'QUERY_TOO_COMPLEX', actual: 20_000 },
    });
  });
});

describe('query cost over HTTP and WebSocket', () => {
  let server: TestServer;
  let viewer: string;
  beforeAll(async () => {
    server = await startTestServer();
    viewer = await server.createApiKey('viewer');
  });
  afterAll(() => server.stop());

  it.each(Object.keys(attacks) as (keyof typeof attacks)[])(
    'refuses %s over HTTP quickly, before the key is looked at',
    async (name) => {
      const withWrongKey = await graphql(server.url, attacks[name], {}, { key: 'chk_wrongwrongwrongwrongwrongwrong' });
      expect(withWrongKey.status).toBe(400);
      expect(withWrongKey.errors?.[0]?.extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        reason: expectedReasons[name],
      });
      // The issue asks for 10 ms of work; a whole HTTP round trip on a loaded 2-core machine gets a margin.
      expect(await fastestMs(() => graphql(server.url, attacks[name]), 3)).toBeLessThan(100);
      expect((await graphql(server.url, '{ health { status } }')).data).toEqual({ health: { status: 'OK' } });
    },
  );

  it('checks a text again each time it is refused, and answers an admitted text each time it comes', async () => {
    const [name] = Object.keys(attacks) as (keyof typeof attacks)[];
    for (let i = 0; i < 3; i++) {
      const refused = await graphql(server.url, attacks[name!], {}, { key: viewer });
      expect(refused.status).toBe(400);
      expect(refused.errors?.[0]?.extensions).toMatchObject({ reason: expectedReasons[name!] });
      expect((await graphql(server.url, '{ health { status } }', {}, { key: viewer })).data).toEqual({
        health: { status: 'OK' },
      });
    }
  });

  function refusalOverSocket(client: Client, query: string): Promise<Record<string, unknown> | undefined> {
    return new Promise((resolve, reject) => {
      client.subscribe(
        { query },
        {
          next: () => reject(new Error('the query ran')),
          error: (errors) => resolve((errors as GraphQLError[])[0]?.extensions),
          complete: () => reject(new Error('the query ran')),
        },
      );
    });
  }

  it.each(Object.keys(attacks) as (keyof typeof attacks)[])('refuses %s over WebSocket', async (name) => {
    const client = createClient({ url: server.wsUrl, webSocketImpl: WebSocket, retryAttempts: 0 });
    expect(await refusalOverSocket(client, attacks[name])).toMatchObject({
      code: 'BAD_USER_INPUT',
      reason: expectedReasons[name],
    });
    await client.dispose();
  });

  it('closes a socket whose message is over BODY_LIMIT_BYTES with 1009', async () => {
    const codes: number[] = [];
    const client = createClient({
      url: server.wsUrl,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      connectionParams: { authorization: `Bearer ${viewer}` },
      on: { closed: (event) => void codes.push((event as { code: number }).code) },
    });
    const huge = `{ health { status } } # ${'x'.repeat(1_100_000)}`;
    await refusalOverSocket(client, huge).catch(() => undefined);
    expect(codes).toContain(1009);
    await client.dispose();
  });
});
