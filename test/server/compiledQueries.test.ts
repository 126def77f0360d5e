import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Role } from '../../src/auth/roles';
import { features } from '../../src/features';
import * as dashboard from '../../web/src/generated/graphql';
import { graphql, type GraphQLResponse } from '../support/graphql';
import { startTestServer, type TestServer } from '../support/server';

/** Figures that move with the clock between two requests: masked before comparing. */
const CLOCK_FIELDS = new Set(['at', 'oldestAgeSeconds', 'oldestUnprocessedAgeSeconds', 'idleSince']);
const masked = (response: GraphQLResponse<unknown>) =>
  JSON.parse(JSON.stringify(response, (key, value: unknown) => (CLOCK_FIELDS.has(key) ? '(clock)' : value)));

const firstId = (response: GraphQLResponse<any>, field: string): string =>
  response.data?.[field]?.edges?.[0]?.node?.id ?? 'none';

describe('compiled queries (graphql-jit) answer as graphql execute does', () => {
  let dataDir: string;
  let compiled: TestServer;
  let plain: TestServer;
  let admin: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'campaign-hub-jit-'));
    const env = { DATA_DIR: dataDir, RESPONSE_CACHE: 'off', DEMO_FAN_REGISTRATIONS: '300', WAVE_QUIET_HOURS: 'off' };
    compiled = await startTestServer({ ...env, GRAPHQL_JIT: 'on' });
    for (const feature of features) await compiled.demo(feature);
    plain = await startTestServer({ ...env, GRAPHQL_JIT: 'off' });
    admin = await compiled.createApiKey(Role.ADMIN, 'jit test');
  }, 120_000);

  afterAll(async () => {
    await plain?.stop();
    await compiled?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  /** A document's first request runs on execute, its second compiled: both must answer as graphql's execute does. */
  const both = async (document: unknown, variables?: Record<string, unknown>, key: string | undefined = admin) => {
    const query = String(document);
    const fromPlain = await graphql<any>(plain.url, query, variables, { key });
    const firstSent = await graphql<any>(compiled.url, query, variables, { key });
    const fromCompiled = await graphql<any>(compiled.url, query, variables, { key });
    expect(masked(firstSent)).toEqual(masked(fromPlain));
    expect(masked(fromCompiled)).toEqual(masked(fromPlain));
    return fromCompiled;
  };

  it('gives the same answer for every dashboard query on the demo data', async () => {
    const campaigns = await both(dashboard.CampaignsPageDocument, { first: 20 });
    expect(campaigns.errors).toBeUndefined();
    expect(campaigns.data.campaigns.edges.length).toBeGreaterThan(0);
    const campaignId = firstId(campaigns, 'campaigns');
    await both(dashboard.CampaignRatesDocument, { id: campaignId });
    await both(dashboard.CampaignPageDocument, { id: campaignId, clickers: 10 });
    await both(dashboard.ClicksPageDocument, { dayFrom: '2026-01-01', bu: null });
    await both(dashboard.TrackingPageDocument, { filter: {} });
    const jobs = await both(dashboard.JobsPageDocument, { first: 20 });
    expect(jobs.errors).toBeUndefined();
    await both(dashboard.DeadLetterQueueDocument, { queue: 'jobs', first: 10 });
    await both(dashboard.LeadsPageDocument);
    await both(dashboard.SignedInDocument);
    const fans = await both(dashboard.FanCampaignsPageDocument, { first: 10 });
    expect(fans.data.fanCampaigns.edges.length).toBeGreaterThan(0);
    await both(dashboard.FanCampaignPageDocument, { id: firstId(fans, 'fanCampaigns') });
    const waves = await both(dashboard.WavesPageDocument, { first: 10 });
    await both(dashboard.WavePageDocument, { id: firstId(waves, 'waves') });
    await both(dashboard.JobStatusDocument, { id: 'no-such-job' });
    await both('{ __schema { queryType { name } types { name kind } } }');
  });

  it('keeps error codes and statuses: not found, bad variables, forbidden, unauthenticated', async () => {
    const missing = await both(dashboard.CampaignRatesDocument, { id: 'no-such-campaign' });
    expect(missing.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const badVariables = await both(dashboard.CampaignsPageDocument, { first: 'twenty' });
    expect(badVariables.status).toBe(400);
    expect(badVariables.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const viewer = await compiled.createApiKey(Role.VIEWER, 'jit viewer');
    const forbidden = await both('{ apiKeys(first: 1) { totalCount } }', undefined, viewer);
    expect(forbidden.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const unauthenticated = await both(dashboard.JobsPageDocument, { first: 1 }, 'chk_not-a-key');
    expect(unauthenticated.status).toBe(401);
    expect(unauthenticated.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('keeps the audit wrapper on mutations', async () => {
    const synced = await graphql<any>(
      compiled.url,
      String(dashboard.SyncTrackingDocument),
      { days: 1 },
      { key: admin },
    );
    expect(synced.errors).toBeUndefined();
    const audit = await graphql<any>(
      compiled.url,
      '{ auditLog(first: 5) { edges { node { operation outcome } } } }',
      undefined,
      {
        key: admin,
      },
    );
    expect(audit.data.auditLog.edges.map((edge: any) => edge.node.operation)).toContain('syncTracking');
  });
});
