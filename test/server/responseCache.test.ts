import { Role } from '../../src/auth/roles';
import { campaignsFeature } from '../../src/features/campaigns';
import { jobsFeature } from '../../src/features/jobs';
import * as dashboard from '../../web/src/generated/graphql';
import { graphql } from '../support/graphql';
import { startTestServer, type TestServer } from '../support/server';

/** The response cache's counters from /metrics, for one allowlisted operation. */
async function cacheCounts(server: TestServer, operation: string) {
  const text = await (await fetch(new URL('/metrics', server.url))).text();
  const count = (name: string) =>
    Number(
      new RegExp(`^graphql_response_cache_${name}_total\\{operation="${operation}"\\} (\\d+)`, 'm').exec(text)?.[1] ??
        0,
    );
  return { hits: count('hits'), misses: count('misses'), invalidations: count('invalidations') };
}

describe('the shared response cache', () => {
  let server: TestServer;
  let admin: string;
  let viewer: string;
  let otherViewer: string;
  let operator: string;
  let campaignId: string;

  beforeAll(async () => {
    server = await startTestServer({ RESPONSE_CACHE: 'on' });
    await server.demo(campaignsFeature);
    admin = await server.createApiKey(Role.ADMIN);
    viewer = await server.createApiKey(Role.VIEWER, 'wall 1');
    otherViewer = await server.createApiKey(Role.VIEWER, 'wall 2');
    operator = await server.createApiKey(Role.OPERATOR);
    const sent = await server.app.db.collection('campaign_recipients').findOne({ status: 'SENT', opened: false });
    campaignId = String(sent!.campaignId);
  }, 60_000);

  afterAll(() => server?.stop());

  const rates = (key: string) =>
    graphql<any>(server.url, String(dashboard.CampaignRatesDocument), { id: campaignId }, { key });

  it('serves one role the answer computed for another key of that role, never another role', async () => {
    const before = await cacheCounts(server, 'CampaignRates');
    const first = await rates(viewer);
    expect(first.errors).toBeUndefined();
    const second = await rates(otherViewer);
    expect(second.data).toEqual(first.data);
    const third = await rates(operator);
    expect(third.data).toEqual(first.data);
    expect(await cacheCounts(server, 'CampaignRates')).toEqual({
      hits: before.hits + 1,
      misses: before.misses + 2,
      invalidations: before.invalidations,
    });
  });

  it('never keeps a document that is not allowlisted, such as the caller identity', async () => {
    const mine = await graphql<any>(server.url, String(dashboard.SignedInDocument), undefined, { key: viewer });
    const theirs = await graphql<any>(server.url, String(dashboard.SignedInDocument), undefined, { key: otherViewer });
    expect(mine.data.me.name).toBe('wall 1');
    expect(theirs.data.me.name).toBe('wall 2');
    const text = await (await fetch(new URL('/metrics', server.url))).text();
    expect(text).not.toMatch(/graphql_response_cache_\w+_total\{operation="SignedIn"\}/);
  });

  it('recomputes a figure once an event it counts is stored', async () => {
    await rates(viewer);
    const kept = await rates(viewer);
    const recipient = await server.app.db
      .collection('campaign_recipients')
      .findOne({ campaignId, status: 'SENT', opened: false });
    await server
      .servicesOf(campaignsFeature)
      .tracking.recorder.record({ type: 'OPEN', campaignId, memberId: String(recipient!.memberId) });
    const before = await cacheCounts(server, 'CampaignRates');
    const fresh = await rates(viewer);
    expect(fresh.data.campaignStats.openRate).toBeGreaterThan(kept.data.campaignStats.openRate);
    const after = await cacheCounts(server, 'CampaignRates');
    expect(after.invalidations).toBe(before.invalidations + 1);
    expect(after.hits).toBe(before.hits);
  });

  it('recomputes a list once a job is added, and keeps answers of other collections', async () => {
    const jobsPage = () => graphql<any>(server.url, String(dashboard.JobsPageDocument), { first: 5 }, { key: viewer });
    await jobsPage();
    const kept = await jobsPage();
    await rates(viewer);
    await server.app.jobs.enqueue('tracking-sync', { days: 1 }, { delaySeconds: 3600 });
    const fresh = await jobsPage();
    expect(fresh.data.queued.totalCount).toBe(kept.data.queued.totalCount + 1);
    const before = await cacheCounts(server, 'CampaignRates');
    await rates(viewer);
    expect((await cacheCounts(server, 'CampaignRates')).hits).toBe(before.hits + 1);
  });

  it('refuses a revoked key with 401, not a kept answer', async () => {
    const doomed = await server.createApiKey(Role.VIEWER, 'doomed');
    expect((await rates(doomed)).errors).toBeUndefined();
    const keys = await graphql<any>(server.url, '{ apiKeys(first: 100) { edges { node { id name } } } }', undefined, {
      key: admin,
    });
    const id = keys.data.apiKeys.edges.find((edge: any) => edge.node.name === 'doomed').node.id;
    const revoked = await graphql<any>(
      server.url,
      'mutation ($id: ID!) { revokeApiKey(id: $id) { id } }',
      { id },
      { key: admin },
    );
    expect(revoked.errors).toBeUndefined();
    const refused = await rates(doomed);
    expect(refused.status).toBe(401);
    expect(refused.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(refused.data ?? null).toBeNull();
  });
});

describe('the shared response cache under rate limits', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ RESPONSE_CACHE: 'on', RATE_LIMIT_VIEWER_REQUESTS_PER_MINUTE: '2' });
    await server.demo(jobsFeature);
  });

  afterAll(() => server?.stop());

  it('answers RATE_LIMITED, not a kept answer, once the key is over its limit', async () => {
    const key = await server.createApiKey(Role.VIEWER);
    const jobsPage = () => graphql<any>(server.url, String(dashboard.JobsPageDocument), { first: 5 }, { key });
    expect((await jobsPage()).errors).toBeUndefined();
    expect((await jobsPage()).errors).toBeUndefined();
    const limited = await jobsPage();
    expect(limited.status).toBe(429);
    expect(limited.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
    expect(limited.data ?? null).toBeNull();
  });
});
