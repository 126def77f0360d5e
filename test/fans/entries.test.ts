import { FAN_ENTRIES, type FanEntryDoc } from '../../src/services/fans/model';
import { startTestServer, type TestServer } from '../support/server';
import { campaignApi, campaignInput, entryDoc, errorOf, insertEntries } from './campaignSupport';

interface EntryNode {
  id: string;
  userId: string;
  email: string;
  phone: string | null;
  market: string | null;
  score: number | null;
  verdict: boolean | null;
  verdictReason: string | null;
  code: string | null;
  codeKind: string | null;
}

interface EntryPage {
  fanEntries: {
    totalCount: number;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    edges: { cursor: string; node: EntryNode }[];
  };
}

const ENTRIES = `query ($campaignId: ID!, $filter: FanEntryFilter, $first: Int, $after: String) {
  fanEntries(campaignId: $campaignId, filter: $filter, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node { id userId email phone market score verdict verdictReason code codeKind } }
  }
}`;

const userIds = (n: number) => Array.from({ length: n }, (_, i) => `u${String(i).padStart(2, '0')}`);

/**
 * 24 entries of campaign `tour`: markets nyc/lon alternate; scores i/24 for every third fan
 * (null otherwise); a verdict true with a code every fourth, false every fifth (when not true).
 */
function tourEntries() {
  return userIds(24).map((userId, i) => {
    const selected = i % 4 === 0;
    const dropped = !selected && i % 5 === 0;
    return entryDoc('tour', userId, {
      market: i % 2 === 0 ? 'nyc' : 'lon',
      marketPreferences: i % 2 === 0 ? ['nyc'] : ['lon', 'nyc'],
      score: i % 3 === 0 ? i / 24 : null,
      verdict: selected ? true : dropped ? false : null,
      verdictReason: dropped ? 'BLACKLISTED' : null,
      code: selected ? `CODE-${i}` : null,
      codeKind: selected ? 'NON_TM' : null,
      phone: i === 1 ? null : '+14155552671',
    });
  });
}

describe('fanEntries through GraphQL', () => {
  let server: TestServer;
  let viewerKey: string;
  let operatorKey: string;
  const entries = tourEntries();

  beforeAll(async () => {
    server = await startTestServer();
    operatorKey = await server.createApiKey('operator');
    viewerKey = await server.createApiKey('viewer');
    const operator = campaignApi(server.url, operatorKey);
    for (const id of ['tour', 'tour2', 'tou']) await operator.create(campaignInput({ id }));
    await insertEntries(server.app.db, [
      ...entries,
      // neighbours of `tour` in `_id` order: never part of its pages
      entryDoc('tour2', 'u00'),
      entryDoc('tou', 'r'),
      entryDoc('tou', 'zz'),
    ]);
  });
  afterAll(() => server.stop());

  const page = (variables: Record<string, unknown>, key = viewerKey) =>
    campaignApi(server.url, key).call<EntryPage>(ENTRIES, { campaignId: 'tour', ...variables });

  async function allUserIds(filter: Record<string, unknown>, first = 5): Promise<{ ids: string[]; total: number }> {
    const ids: string[] = [];
    let after: string | null = null;
    for (;;) {
      const response = await page({ filter, first, after });
      expect(response.errors).toBeUndefined();
      const { edges, pageInfo, totalCount } = response.data!.fanEntries;
      ids.push(...edges.map((edge) => edge.node.userId));
      if (!pageInfo.hasNextPage) return { ids, total: totalCount };
      after = pageInfo.endCursor;
    }
  }

  const expected = (keep: (entry: (typeof entries)[number]) => boolean) =>
    entries.filter(keep).map((entry) => entry.userId);

  it('pages through every entry of the campaign in userId order, and no other campaign', async () => {
    const { ids, total } = await allUserIds({});
    expect(ids).toEqual(userIds(24));
    expect(total).toBe(24);
  });

  it.each([
    ['market', { market: 'lon' }, (e: (typeof entries)[number]) => e.market === 'lon'],
    ['verdict SELECTED', { verdict: 'SELECTED' }, (e: (typeof entries)[number]) => e.verdict === true],
    ['verdict DROPPED', { verdict: 'DROPPED' }, (e: (typeof entries)[number]) => e.verdict === false],
    ['verdict UNDECIDED', { verdict: 'UNDECIDED' }, (e: (typeof entries)[number]) => e.verdict === null],
    ['minScore', { minScore: 0.5 }, (e: (typeof entries)[number]) => e.score !== null && e.score >= 0.5],
    ['minScore 0 (scored at all)', { minScore: 0 }, (e: (typeof entries)[number]) => e.score !== null],
    ['hasCode true', { hasCode: true }, (e: (typeof entries)[number]) => e.code !== null],
    ['hasCode false', { hasCode: false }, (e: (typeof entries)[number]) => e.code === null],
    [
      'every filter at once',
      { market: 'nyc', verdict: 'SELECTED', minScore: 0.4, hasCode: true },
      (e: (typeof entries)[number]) => e.market === 'nyc' && e.verdict === true && e.score !== null && e.score >= 0.4,
    ],
  ])('filters by %s, page after page, with the filtered total', async (_what, filter, keep) => {
    const want = expected(keep);
    expect(want.length).toBeGreaterThan(0);
    expect(await allUserIds(filter, 3)).toEqual({ ids: want, total: want.length });
  });

  it('gives the stored verdict, reason and code', async () => {
    const response = await page({ filter: { verdict: 'DROPPED' }, first: 1 });
    expect(response.data!.fanEntries.edges[0]!.node).toMatchObject({
      id: 'tour:u05',
      verdict: false,
      verdictReason: 'BLACKLISTED',
      code: null,
    });
    const selected = await page({ filter: { hasCode: true }, first: 1 });
    expect(selected.data!.fanEntries.edges[0]!.node).toMatchObject({
      code: 'CODE-0',
      codeKind: 'NON_TM',
      verdict: true,
    });
  });

  it('masks e-mail and phone for viewers and shows them whole to operators', async () => {
    const masked = (await page({ first: 2 })).data!.fanEntries.edges.map((edge) => edge.node);
    expect(masked.map((node) => [node.email, node.phone])).toEqual([
      ['u***@example.com', '+1******2671'],
      ['u***@example.com', null],
    ]);
    const whole = (await page({ first: 1 }, operatorKey)).data!.fanEntries.edges[0]!.node;
    expect([whole.email, whole.phone]).toEqual(['u00@example.com', '+14155552671']);
  });

  it('answers an empty page for first: 0 with the total', async () => {
    const response = await page({ first: 0 });
    expect(response.data!.fanEntries).toMatchObject({ totalCount: 24, edges: [], pageInfo: { hasNextPage: true } });
  });

  it.each([
    ['an unknown campaign', { campaignId: 'nope' }, 'NOT_FOUND', undefined],
    ['a market the campaign lacks', { filter: { market: 'paris' } }, 'BAD_USER_INPUT', 'filter.market'],
    ['a minScore above 1', { filter: { minScore: 1.5 } }, 'BAD_USER_INPUT', 'filter.minScore'],
    ['a negative minScore', { filter: { minScore: -0.1 } }, 'BAD_USER_INPUT', 'filter.minScore'],
    ['a page over 100', { first: 101 }, 'BAD_USER_INPUT', 'first'],
    ['a negative page size', { first: -1 }, 'BAD_USER_INPUT', 'first'],
    ['a cursor it did not make', { after: 'garbage' }, 'BAD_USER_INPUT', 'after'],
  ])('refuses %s with a coded error', async (_what, variables, code, field) => {
    const response = await page(variables);
    expect(errorOf(response)).toMatchObject({ code, field });
  });

  it("refuses a cursor from another campaign's entries", async () => {
    const other = await campaignApi(server.url, viewerKey).call<EntryPage>(ENTRIES, { campaignId: 'tour2', first: 1 });
    const cursor = other.data!.fanEntries.pageInfo.endCursor;
    expect(errorOf(await page({ after: cursor }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
  });

  it('reads a page from the cursor on, not the whole campaign', async () => {
    const collection = server.app.db.collection<FanEntryDoc>(FAN_ENTRIES);
    const plan = await collection
      .find({ _id: { $gt: 'tour:u10', $lt: 'tour;' }, market: 'lon' }, { sort: { _id: 1 }, limit: 3 })
      .explain('executionStats');
    expect(plan.executionStats.totalDocsExamined).toBeLessThanOrEqual(6);
  });
});
