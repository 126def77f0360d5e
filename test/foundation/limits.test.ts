import 'reflect-metadata';
import { parse, type GraphQLSchema } from 'graphql';
import { buildAppSchema } from '../../src/schema';
import { checkQueryLimits } from '../../src/server/limits';

describe('checkQueryLimits', () => {
  let schema: GraphQLSchema;
  beforeAll(async () => {
    schema = await buildAppSchema([]);
  });

  const limits = { maxDepth: 4, maxComplexity: 50 };

  it('accepts a shallow, cheap query', () => {
    expect(checkQueryLimits(schema, parse('{ health { status } }'), undefined, {}, limits)).toBeNull();
  });

  it('measures depth through named fragments', () => {
    const document = parse('query Q { apiKeys { ...Page } } fragment Page on ApiKeyConnection { edges { node { ...Key } } } fragment Key on ApiKey { name }');
    expect(checkQueryLimits(schema, document, 'Q', {}, { ...limits, maxDepth: 3 })).toMatchObject({
      extensions: { code: 'BAD_USER_INPUT', reason: 'QUERY_TOO_DEEP', limit: 3, actual: 4 },
    });
  });

  it('does not count introspection fields, which explorers send deep', () => {
    const document = parse('{ __schema { types { fields { type { ofType { ofType { ofType { name } } } } } } } }');
    expect(checkQueryLimits(schema, document, undefined, {}, limits)).toBeNull();
  });

  it('survives a fragment cycle (graphql validation reports it)', () => {
    const document = parse('{ apiKeys { ...A } } fragment A on ApiKeyConnection { totalCount ...A }');
    expect(checkQueryLimits(schema, document, undefined, {}, limits)).toBeNull();
  });

  it('rejects a query whose complexity is over the limit', () => {
    const fields = Array.from({ length: 30 }, (_, i) => `h${i}: health { status storeEngine }`).join(' ');
    expect(checkQueryLimits(schema, parse(`{ ${fields} }`), undefined, {}, limits)).toMatchObject({
      extensions: { code: 'BAD_USER_INPUT', reason: 'QUERY_TOO_COMPLEX', limit: 50, actual: 90 },
    });
  });

  it('leaves an unknown operation name to Apollo', () => {
    expect(checkQueryLimits(schema, parse('query Known { health { status } }'), 'Missing', {}, limits)).toBeNull();
  });
});
