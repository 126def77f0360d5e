import { buildSchema, extendSchema, parse, type GraphQLArgument } from 'graphql';
import { auditArguments, auditValue, REDACTED } from '../../src/services/audit/auditArguments';

const schema = extendSchema(
  buildSchema(`
    scalar Upload
    scalar JSON
    input Credentials { name: String!, password: String, apiToken: String, nested: Nested }
    input Nested { clientSecret: String, note: String }
    type Query { ok: Boolean }
  `),
  parse(`
    extend type Query {
      change(
        login: Credentials
        signingKey: String
        file: Upload
        files: [Upload!]
        params: JSON
        note: String
        tags: [String!]
        count: Int
      ): Boolean
    }
  `),
);
const args: readonly GraphQLArgument[] = schema.getQueryType()!.getFields().change!.args;

describe('auditArguments', () => {
  it('redacts fields named like keys, tokens, secrets and passwords, at any depth', () => {
    expect(
      auditArguments(
        {
          login: { name: 'ops', password: 'hunter2', apiToken: 't0k', nested: { clientSecret: 's', note: 'n' } },
          signingKey: 'k',
          count: 3,
        },
        args,
      ),
    ).toEqual({
      login: { name: 'ops', password: REDACTED, apiToken: REDACTED, nested: { clientSecret: REDACTED, note: 'n' } },
      signingKey: REDACTED,
      count: 3,
    });
  });

  it('redacts an API key wherever it appears, and cuts long texts and lists', () => {
    const kept = auditArguments(
      { note: 'chk_abcdefghijklmnop', tags: Array.from({ length: 60 }, (_, i) => `t${i}`), count: 1 },
      args,
    );
    expect(kept.note).toBe(REDACTED);
    expect((kept.tags as string[]).slice(-2)).toEqual(['t49', '… 10 more']);
    expect(auditArguments({ note: 'x'.repeat(2000) }, args).note).toBe(`${'x'.repeat(500)}… (2000 characters)`);
  });

  it('keeps free-form JSON as text, its secrets redacted', () => {
    const kept = auditArguments({ params: { $set: { token: 'abc' }, 'a.b': 1 } }, args);
    expect(JSON.parse(kept.params as string)).toEqual({ $set: { token: REDACTED }, 'a.b': 1 });
  });

  it("keeps an upload as its file's name once the resolver has read it, never its contents", async () => {
    let deliver: (file: unknown) => void = () => undefined;
    const upload = new Promise((resolve) => (deliver = resolve));
    const unread = Promise.reject(new Error('the request ended'));
    const kept = auditArguments({ file: upload, files: [unread] }, args);
    expect(kept).toEqual({ file: { file: null }, files: [{ file: null }] });
    deliver({ filename: 'fans.csv', createReadStream: () => 'contents' });
    await upload;
    await new Promise((resolve) => setImmediate(resolve));
    expect(kept).toEqual({ file: { file: 'fans.csv' }, files: [{ file: null }] });
  });

  it('bounds values of no declared shape (CLI flags)', () => {
    expect(auditValue({ key: 'chk_x', 'grace-seconds': '60', deep: { a: { b: 1 } } })).toEqual({
      key: REDACTED,
      'grace-seconds': '60',
      deep: { a: { b: 1 } },
    });
  });
});
