import { fansFeature } from '../../src/features/fans';
import { settle } from '../docs/settle';
import { graphql } from '../support/graphql';
import { startTestServer, type TestServer } from '../support/server';

const DEMO_QUERY = `{
  fanCampaigns(first: 10) {
    edges { node { id status markets { id registrations } latestStats { registrations { total } } } }
  }
  codePools(campaignId: "demo-aurora-tour") { edges { node { name available assigned } } }
  selected: fanEntries(campaignId: "demo-velvet-echo", filter: { hasCode: true }) { totalCount }
  scored: fanEntries(campaignId: "demo-aurora-tour", filter: { minScore: 0 }) { totalCount }
  dropped: fanEntries(campaignId: "demo-aurora-tour", filter: { verdict: DROPPED }) { totalCount }
}`;

interface DemoAnswer {
  fanCampaigns: {
    edges: {
      node: {
        id: string;
        status: string;
        markets: { id: string; registrations: number }[];
        latestStats: { registrations: { total: number } } | null;
      };
    }[];
  };
  codePools: { edges: { node: { name: string; available: number; assigned: number } }[] };
  selected: { totalCount: number };
  scored: { totalCount: number };
  dropped: { totalCount: number };
}

describe('the fan campaigns demo', () => {
  let server: TestServer;
  let admin: string;

  beforeAll(async () => {
    server = await startTestServer({ DEMO_FAN_REGISTRATIONS: '2000' });
    admin = await server.createApiKey('admin');
    await server.demo(fansFeature);
    await settle(server.url, admin);
  }, 120_000);
  afterAll(() => server?.stop());

  it('opens two campaigns whose registrations, scores, codes and stats a newcomer can read', async () => {
    const { data, errors } = await graphql<DemoAnswer>(server.url, DEMO_QUERY, undefined, { key: admin });
    expect(errors).toBeUndefined();
    const campaigns = data!.fanCampaigns.edges.map(({ node }) => node);
    expect(campaigns.map(({ id, status }) => [id, status]).sort()).toEqual([
      ['demo-aurora-tour', 'OPEN'],
      ['demo-velvet-echo', 'OPEN'],
    ]);
    const registered = campaigns.flatMap(({ markets }) => markets).reduce((sum, m) => sum + m.registrations, 0);
    expect(registered).toBe(2000);
    for (const campaign of campaigns) expect(campaign.latestStats?.registrations.total).toBeGreaterThan(0);
    expect(data!.codePools.edges.map(({ node }) => [node.name, node.available])).toEqual([['presale', 200]]);
    expect(data!.selected.totalCount).toBe(300);
    expect(data!.scored.totalCount).toBeGreaterThan(1000);
    expect(data!.dropped.totalCount).toBeGreaterThan(0);
  });

  it('changes nothing when run again', async () => {
    await server.demo(fansFeature);
    await settle(server.url, admin);
    const { data } = await graphql<DemoAnswer>(server.url, DEMO_QUERY, undefined, { key: admin });
    expect(data!.selected.totalCount).toBe(300);
    expect(data!.codePools.edges[0]!.node.available).toBe(200);
  });
});
