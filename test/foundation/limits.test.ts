import 'reflect-metadata';
import { parse, specifiedRules, validate, type GraphQLSchema } from 'graphql';
import { systemFeature } from '../../src/features/system';
import { buildAppSchema } from '../../src/schema';
import { checkQueryComplexity, queryDepthRule } from '../../src/server/limits';

describe('query limits', () => {
  let schema: GraphQLSchema;
  beforeAll(async () => {
    schema = await buildAppSchema(systemFeature.resolvers!);
  });

  const depthErrors = (query: string, maxDepth: number) =>
    validate(schema, parse(query), [...specifiedRules, queryDepthRule(maxDepth)]).map((error) => error.extensions);

  it('accepts a shallow query', () => {
    expect(depthErrors('{ health { status } }', 2)).toEqual([]);
  });

  it('measures depth through named and inline fragments', () => {
    const query =
      'query Q { apiKeys { ...Page } } fragment Page on ApiKeyConnection { edges { node { ... on ApiKey { ...Key } } } } fragment Key on ApiKey { name }';
    expect(depthErrors(query, 4)).toEqual([]);
    expect(depthErrors(query, 3)).toEqual([
      expect.objectContaining({ code: 'BAD_USER_INPUT', reason: 'QUERY_TOO_DEEP', limit: 3, actual: 4 }),
    ]);
  });

  it('reports depth first, before the field errors of the same document', () => {
    const query = `{ ${'a { '.repeat(30)}b${' }'.repeat(30)} }`;
    const errors = depthErrors(query, 12);
    expect(errors[0]).toMatchObject({ reason: 'QUERY_TOO_DEEP', actual: 31 });
  });

  it('does not count introspection fields, which explorers send deep', () => {
    expect(
      depthErrors('{ __schema { types { fields { type { ofType { ofType { ofType { name } } } } } } } }', 2),
    ).toEqual([]);
  });

  it('survives a fragment cycle (graphql reports the cycle itself)', () => {
    const errors = depthErrors('{ apiKeys { ...A } } fragment A on ApiKeyConnection { totalCount ...A }', 3);
    expect(errors.map((extensions) => extensions.reason)).not.toContain('QUERY_TOO_DEEP');
  });

  it('rejects a query whose complexity is over the limit and accepts it under', () => {
    const fields = Array.from({ length: 30 }, (_, i) => `h${i}: health { status storeEngine }`).join(' ');
    expect(checkQueryComplexity(schema, parse(`{ ${fields} }`), undefined, {}, 90)).toBeNull();
    expect(checkQueryComplexity(schema, parse(`{ ${fields} }`), undefined, {}, 50)).toMatchObject({
      extensions: { code: 'BAD_USER_INPUT', reason: 'QUERY_TOO_COMPLEX', limit: 50, actual: 90 },
    });
  });

  it('prices a connection by its page size', () => {
    const page = (first: number) => parse(`{ apiKeys(first: ${first}) { edges { node { name } } } }`);
    expect(checkQueryComplexity(schema, page(100), undefined, {}, 301)).toBeNull();
    expect(checkQueryComplexity(schema, page(100), undefined, {}, 300)).toMatchObject({ extensions: { actual: 301 } });
    const byVariable = parse('query Keys($first: Int) { apiKeys(first: $first) { totalCount } }');
    expect(checkQueryComplexity(schema, byVariable, 'Keys', { first: 50 }, 1000)).toBeNull();
    expect(checkQueryComplexity(schema, byVariable, 'Keys', { first: 50 }, 50)).toMatchObject({
      extensions: { actual: 51 },
    });
  });

  it('leaves an unknown operation name to Apollo', () => {
    expect(checkQueryComplexity(schema, parse('query Known { health { status } }'), 'Missing', {}, 1)).toBeNull();
  });
});
