import 'reflect-metadata';
import { specifiedRules, type GraphQLSchema } from 'graphql';
import { systemFeature } from '../../src/features/system';
import { buildAppSchema } from '../../src/schema';
import { loadConfig } from '../../src/config';
import { queryDepthRule, queryLimitsOf } from '../../src/server/limits';
import { isDocument, ValidatedDocuments } from '../../src/server/validatedDocuments';

describe('validated documents (socket operations)', () => {
  let schema: GraphQLSchema;
  beforeAll(async () => {
    schema = await buildAppSchema(systemFeature.resolvers!);
  });

  const limits = queryLimitsOf(loadConfig({}));
  const documents = () => new ValidatedDocuments(schema, [...specifiedRules, queryDepthRule(2)], limits);

  it('parses a valid operation once and hands back the same document', () => {
    const cache = documents();
    const first = cache.check('{ health { status } }');
    expect(isDocument(first)).toBe(true);
    expect(cache.check('{ health { status } }')).toBe(first);
  });

  it.each([
    ['a syntax error', '{ health { status '],
    ['an unknown field', '{ health { nope } }'],
    ['a query past the depth limit', '{ health { status { a { b } } } }'],
  ])('refuses %s every time it is sent', (_case, query) => {
    const cache = documents();
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const checked = cache.check(query);
      expect(isDocument(checked)).toBe(false);
      expect((checked as readonly Error[]).length).toBeGreaterThan(0);
    }
  });
});
