import { buildSchema, parse } from 'graphql';
import { CompiledQueries } from '../../src/server/execution/compiledQueries';

const schema = buildSchema('type Query { greeting(name: String!): String! }');
Object.assign(schema.getQueryType()!.getFields().greeting!, {
  resolve: (_source: unknown, { name }: { name: string }, context: { punctuation: string }) =>
    `Hello, ${name}${context.punctuation}`,
});

const request = (source: string, variables: Record<string, unknown> = {}) => ({
  source,
  document: parse(source),
  operationName: null,
  variables,
  context: { punctuation: '!' },
});

describe('CompiledQueries', () => {
  it('compiles a document on its second request and runs it with the context and variables', async () => {
    const queries = new CompiledQueries(schema, 10);
    const text = 'query ($name: String!) { greeting(name: $name) }';
    expect(queries.execute(request(text, { name: 'Ada' }))).toBeNull();
    expect(await queries.execute(request(text, { name: 'Ada' }))).toEqual({ data: { greeting: 'Hello, Ada!' } });
    expect(await queries.execute(request(text, { name: 'Grace' }))).toEqual({ data: { greeting: 'Hello, Grace!' } });
  });

  it('forgets the least recently used documents past its bound', () => {
    const queries = new CompiledQueries(schema, 1);
    const first = '{ greeting(name: "a") }';
    const second = '{ greeting(name: "b") }';
    expect(queries.execute(request(first))).toBeNull();
    expect(queries.execute(request(second))).toBeNull();
    expect(queries.execute(request(first))).toBeNull();
    expect(queries.execute(request(first))).not.toBeNull();
  });

  it('leaves to execute a document it cannot compile', () => {
    const queries = new CompiledQueries(schema, 10);
    const unknownOperation = { ...request('query A { greeting(name: "a") }'), operationName: 'B' };
    expect(queries.execute(unknownOperation)).toBeNull();
    expect(queries.execute(unknownOperation)).toBeNull();
    expect(queries.execute(unknownOperation)).toBeNull();
  });
});
