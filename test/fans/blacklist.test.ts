import { startScoringServer, type ScoringServer } from './scoringSupport';

const LIST = `query($first: Int, $after: String, $kind: BlacklistKind) {
  blacklist(first: $first, after: $after, kind: $kind) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { id kind value addedBy addedAt } }
  }
}`;
const ADD = `mutation($entries: [BlacklistEntryInput!]!) { addToBlacklist(entries: $entries) { added alreadyListed } }`;
const REMOVE = `mutation($entries: [BlacklistEntryInput!]!) { removeFromBlacklist(entries: $entries) }`;

/** The blacklist through GraphQL: normalized entries, paging, masking for viewers, coded errors. */
describe('blacklist API', () => {
  let t: ScoringServer;

  beforeAll(async () => {
    t = await startScoringServer();
  });
  afterAll(() => t.stop());

  const raw = async (query: string, variables: Record<string, unknown>, key: string) => {
    const response = await fetch(t.server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as {
      data: any;
      errors?: { message: string; extensions: { code: string; field?: string } }[];
    };
  };

  it('adds normalized entries once, with who added them and when, and lists them newest first', async () => {
    const first = await t.gql(ADD, {
      entries: [
        { kind: 'EMAIL', value: ' J.Doe+promo@GoogleMail.com ' },
        { kind: 'DOMAIN', value: '@Spam.Example.' },
        { kind: 'EMAIL', value: 'jdoe@gmail.com' },
      ],
    });
    expect(first.addToBlacklist).toEqual({ added: 2, alreadyListed: 0 });
    const again = await t.gql(ADD, {
      entries: [
        { kind: 'DOMAIN', value: 'spam.example' },
        { kind: 'EMAIL', value: 'x@y.io' },
      ],
    });
    expect(again.addToBlacklist).toEqual({ added: 1, alreadyListed: 1 });

    const { blacklist } = await t.gql(LIST, { first: 10 });
    expect(blacklist.totalCount).toBe(3);
    // newest first; entries added together, by id descending
    expect(blacklist.edges.map((edge: any) => edge.node.id)).toEqual([
      'EMAIL:x@y.io',
      'EMAIL:jdoe@gmail.com',
      'DOMAIN:spam.example',
    ]);
    expect(blacklist.edges[0].node).toMatchObject({ kind: 'EMAIL', value: 'x@y.io', addedBy: 'scoring operator' });
    expect(new Date(blacklist.edges[0].node.addedAt).getTime()).toBeGreaterThan(0);

    const domains = await t.gql(LIST, { kind: 'DOMAIN' });
    expect(domains.blacklist.edges.map((edge: any) => edge.node.value)).toEqual(['spam.example']);
  });

  it('pages through the list', async () => {
    await t.gql(ADD, { entries: Array.from({ length: 5 }, (_, i) => ({ kind: 'DOMAIN', value: `page${i}.example` })) });
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 10; page++) {
      const { blacklist }: any = await t.gql(LIST, { first: 3, after });
      seen.push(...blacklist.edges.map((edge: any) => edge.node.id));
      if (!blacklist.pageInfo.hasNextPage) break;
      after = blacklist.pageInfo.endCursor;
    }
    expect(new Set(seen).size).toBe(8);
    expect(seen).toHaveLength(8);
  });

  it('masks e-mail entries for viewers and lets only operators change the list', async () => {
    const viewed = await raw(LIST, { kind: 'EMAIL' }, t.viewer);
    expect(viewed.data.blacklist.edges.map((edge: any) => edge.node.value).sort()).toEqual([
      'j***@gmail.com',
      'x***@y.io',
    ]);
    const refused = await raw(ADD, { entries: [{ kind: 'DOMAIN', value: 'a.example' }] }, t.viewer);
    expect(refused.errors?.[0]?.extensions.code).toBe('FORBIDDEN');
    const anonymous = await fetch(t.server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: REMOVE, variables: { entries: [] } }),
    });
    expect(((await anonymous.json()) as any).errors[0].extensions.code).toMatch(/UNAUTHENTICATED|FORBIDDEN/);
  });

  it('refuses a call with a bad value, naming each, and keeps nothing of it', async () => {
    const bad = await raw(
      ADD,
      {
        entries: [
          { kind: 'DOMAIN', value: 'fine.example' },
          { kind: 'EMAIL', value: 'not-an-address' },
          { kind: 'DOMAIN', value: 'bad domain' },
        ],
      },
      t.operator,
    );
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'entries[1].value' });
    expect(bad.errors?.[0]?.message).toContain('entries[2].value: "bad domain" is not a domain name');
    const { blacklist } = await t.gql(LIST, { kind: 'DOMAIN', first: 100 });
    expect(blacklist.edges.map((edge: any) => edge.node.value)).not.toContain('fine.example');

    const badKind = await raw(ADD, { entries: [{ kind: 'PHONE', value: '1' }] }, t.operator);
    expect(badKind.errors?.[0]?.extensions.code).toBe('BAD_USER_INPUT');
  });

  it('removes entries by any spelling of them', async () => {
    const removed = await t.gql(REMOVE, {
      entries: [
        { kind: 'EMAIL', value: 'J.D.O.E@googlemail.com' },
        { kind: 'DOMAIN', value: 'SPAM.example' },
        { kind: 'DOMAIN', value: 'never-listed.example' },
      ],
    });
    expect(removed.removeFromBlacklist).toBe(2);
    const { blacklist } = await t.gql(LIST, { first: 100 });
    expect(blacklist.edges.map((edge: any) => edge.node.id)).not.toContain('DOMAIN:spam.example');
    expect(blacklist.edges.map((edge: any) => edge.node.id)).not.toContain('EMAIL:jdoe@gmail.com');
  });
});
