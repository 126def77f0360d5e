import type { GraphQLResponse } from '../support/graphql';
import { startTestServer, type TestServer } from '../support/server';
import { campaignApi, campaignInput, errorOf } from './campaignSupport';

interface CampaignPage {
  fanCampaigns: {
    totalCount: number;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    edges: { node: { id: string; status: string } }[];
  };
}

const PAGE = `query ($first: Int, $after: String, $status: FanCampaignStatus) {
  fanCampaigns(first: $first, after: $after, status: $status) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { id status } }
  }
}`;

describe('fanCampaigns pages', () => {
  let server: TestServer;
  let operator: ReturnType<typeof campaignApi>;
  let viewer: ReturnType<typeof campaignApi>;

  beforeAll(async () => {
    server = await startTestServer();
    operator = campaignApi(server.url, await server.createApiKey('operator'));
    viewer = campaignApi(server.url, await server.createApiKey('viewer'));
    for (const id of ['c1', 'c2', 'c3', 'c4', 'c5']) await operator.create(campaignInput({ id }));
    await operator.open('c2');
    await operator.open('c4');
    await operator.close('c4');
  });
  afterAll(() => server.stop());

  async function allPages(variables: Record<string, unknown>): Promise<{ ids: string[]; totals: number[] }> {
    const ids: string[] = [];
    const totals: number[] = [];
    let after: string | null = null;
    for (;;) {
      const response: GraphQLResponse<CampaignPage> = await viewer.call<CampaignPage>(PAGE, {
        ...variables,
        first: 2,
        after,
      });
      expect(response.errors).toBeUndefined();
      const page = response.data!.fanCampaigns;
      ids.push(...page.edges.map((edge) => edge.node.id));
      totals.push(page.totalCount);
      if (!page.pageInfo.hasNextPage) return { ids, totals };
      after = page.pageInfo.endCursor;
    }
  }

  it('lists newest first, two at a time, with the total on every page', async () => {
    expect(await allPages({})).toEqual({ ids: ['c5', 'c4', 'c3', 'c2', 'c1'], totals: [5, 5, 5] });
  });

  it('lists one status', async () => {
    expect(await allPages({ status: 'DRAFT' })).toEqual({ ids: ['c5', 'c3', 'c1'], totals: [3, 3] });
    expect((await allPages({ status: 'CLOSED' })).ids).toEqual(['c4']);
  });

  it('refuses a page size over 100 and a cursor it did not make', async () => {
    expect(errorOf(await viewer.call(PAGE, { first: 101 }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
    expect(errorOf(await viewer.call(PAGE, { after: 'not-a-cursor' }))).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'after',
    });
  });

  it('needs an API key', async () => {
    const anonymous = campaignApi(server.url, '');
    expect(errorOf(await anonymous.call(PAGE, {})).code).toBe('UNAUTHENTICATED');
  });
});
