import { buildSchema, parse } from 'graphql';
import { ComplexityMemo } from '../../src/server/execution/complexityMemo';
import { queryComplexity } from '../../src/server/limits';

const schema = buildSchema(`
  type Item { id: ID! name: String! }
  type Query { items(first: Int!): [Item!]! other: Int }
`);
const field = schema.getQueryType()!.getFields().items!;
field.extensions = { complexity: ({ args, childComplexity }: any) => args.first * childComplexity };

describe('ComplexityMemo', () => {
  it('gives the estimate of limits.ts for each operation and variables, remembered per document', () => {
    const memo = new ComplexityMemo();
    const document = parse('query A($first: Int!) { items(first: $first) { id name } } query B { other }');
    for (const [operationName, variables] of [
      ['A', { first: 5 }],
      ['A', { first: 50 }],
      ['B', {}],
      ['A', { first: 5 }],
    ] as const) {
      expect(memo.estimate(schema, document, operationName, variables)).toBe(
        queryComplexity(schema, document, operationName, variables),
      );
    }
    expect(memo.estimate(schema, document, 'A', { first: 50 })).toBeGreaterThan(
      memo.estimate(schema, document, 'A', { first: 5 })!,
    );
    expect(memo.estimate(schema, document, 'Nope', {})).toBeNull();
  });
});
