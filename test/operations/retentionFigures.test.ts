import { Role } from '../../src/auth/roles';
import type { Document } from '../../src/datasources/store';
import { campaignsFeature } from '../../src/features/campaigns';
import { clicksFeature } from '../../src/features/clicks';
import { retentionFeature } from '../../src/features/retention';
import { C, type CampaignDoc } from '../../src/services/campaigns/model';
import { demoClickRows } from '../../src/services/clicks/demoClicks';
import { processClicks } from '../../src/services/clicks/processClicks';
import { graphql } from '../support/graphql';
import { startTestServer, type TestServer } from '../support/server';

const DAY = 86_400_000;
const BU = 'North America';

const dashboard = `query Figures($bu: String!, $campaign: ID!) {
  perDay: clickStats(filter: { bu: $bu }, groupBy: [DAY], groupLimit: 100, topLinks: 10) {
    totalClicks uniqueClickers
    groups { day totalClicks uniqueClickers }
    topLinks { totalClicks uniqueClickers url { url } }
  }
  perSend: clickStats(filter: { bu: $bu }, groupBy: [SEND, URL], groupLimit: 100) {
    groups { totalClicks uniqueClickers send { jobId } url { url } }
  }
  campaignStats(id: $campaign) {
    audienceSize sent uniqueOpens totalClicks uniqueClicks conversions conversionValue
    links { index clicks uniqueClickers }
    series { start opens clicks conversions }
  }
}`;

const healthQuery = '{ health { retention { kind days oldestAt lastSweep { deleted } } } }';

describe('retention of click and campaign events', () => {
  let server: TestServer;
  let key: string;
  let campaignId: string;

  beforeAll(async () => {
    server = await startTestServer();
    await server.demo(campaignsFeature);
    const { pipeline } = server.servicesOf(clicksFeature);
    const rows = demoClickRows(BU, 0, { rowsPerUnit: 1500, sendsPerUnit: 5, subscribersPerUnit: 150 });
    for (let at = 0; at < rows.length; at += 300) {
      const batch = rows.slice(at, at + 300).map((values, i) => ({ key: `row-${at + i}`, values }));
      await processClicks(pipeline, BU, batch);
    }
    const campaign = await server.app.db.collection<CampaignDoc>(C.campaigns).findOne({ status: 'SENT' });
    campaignId = campaign!._id;
    key = await server.createApiKey(Role.VIEWER);
  }, 60_000);
  afterAll(() => server.stop());

  const read = async (query: string, variables: Document = {}) => {
    const answer = await graphql<Document>(server.url, query, variables, { key });
    expect(answer.errors).toBeUndefined();
    return answer.data!;
  };

  it('leave every figure the dashboards read as it was, and show in health', async () => {
    const before = await read(dashboard, { bu: BU, campaign: campaignId });
    // a sweep on the day when the events of two days ago pass their 400 days
    const now = new Date(Date.now() + 398 * DAY);
    const run = await server.servicesOf(retentionFeature).retention.enforce({ now });
    expect(run.AGGREGATED_CLICK_EVENTS.deleted).toBeGreaterThan(0);
    expect(run.CAMPAIGN_EVENTS.deleted).toBeGreaterThan(0);
    const after = await read(dashboard, { bu: BU, campaign: campaignId });
    expect(after).toEqual(before);

    const { health } = (await read(healthQuery)) as { health: { retention: Document[] } };
    const kinds = Object.fromEntries(health.retention.map((kind) => [kind.kind, kind]));
    for (const kind of ['AGGREGATED_CLICK_EVENTS', 'CAMPAIGN_EVENTS']) {
      expect(kinds[kind]).toMatchObject({ days: 400, lastSweep: { deleted: run[kind as 'CAMPAIGN_EVENTS'].deleted } });
      expect(new Date(kinds[kind]!.oldestAt as string).getTime()).toBeGreaterThan(Date.now() - 3 * DAY);
    }

    // what needs the events says how far back it can go
    const byLink = await graphql(
      server.url,
      '{ clickStats(filter: { url: "https://www.example.com/north-america/send-0/link-0?utm_source=sfmc" }) { uniqueClickers } }',
      {},
      { key },
    );
    expect(byLink.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.dayFrom' });
  });
});
