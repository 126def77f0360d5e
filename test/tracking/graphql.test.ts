import { Role } from '../../src/auth/roles';
import { trackingFeature } from '../../src/features/tracking';
import { graphql } from '../support/graphql';
import { startTestServer, type TestServer } from '../support/server';

const SYNC = `mutation Sync($input: SyncTrackingInput!) { syncTracking(input: $input) { id type status params } }`;
const JOB = `query Job($id: ID!) { job(id: $id) { id status result error { code message } } }`;

describe('tracking over GraphQL on a running service (demo data, DuckDB, embedded store)', () => {
  let server: TestServer;
  let operator: string;
  let viewer: string;

  beforeAll(async () => {
    server = await startTestServer();
    operator = await server.createApiKey(Role.OPERATOR);
    viewer = await server.createApiKey(Role.VIEWER);
    await server.demo(trackingFeature);
  });
  afterAll(() => server.stop());

  async function finished(id: string) {
    for (;;) {
      const { data } = await graphql<{ job: { status: string; result: any; error: unknown } }>(
        server.url,
        JOB,
        { id },
        { key: operator },
      );
      if (data && ['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(data.job.status)) return data.job;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  test('syncTracking enqueues a tracking-sync job that fills performance entries from the demo logs', async () => {
    const started = await graphql<{ syncTracking: { id: string; type: string; status: string; params: unknown } }>(
      server.url,
      SYNC,
      { input: { days: 7 } },
      { key: operator },
    );
    expect(started.errors).toBeUndefined();
    expect(started.data!.syncTracking).toMatchObject({ type: 'tracking-sync', params: { days: 7 } });
    const job = await finished(started.data!.syncTracking.id);
    expect(job.status).toBe('SUCCEEDED');
    expect(job.result.success).toBe(true);
    // The demo's stray pixels (a retired creative, an unknown publication) are skipped every day.
    expect(job.result.stats).toMatchObject({ rowsFromAthena: 9 * 7, synced: 7 * 7, skipped: 2 * 7, errors: 0 });

    const entries = await graphql<any>(
      server.url,
      `
        {
          performanceEntries(filter: { campaignId: "camp-holiday-2025" }, first: 3) {
            totalCount
            pageInfo {
              hasNextPage
              endCursor
            }
            edges {
              node {
                orderId
                itemPath
                channel
                dateStart
                metrics {
                  impressions
                  clicks
                  ctr
                  viewability
                  reach
                }
                order {
                  id
                  campaignId
                  publicationName
                }
                campaign {
                  id
                  name
                }
                publication {
                  publicationId
                  name
                  publicationCode
                }
              }
            }
          }
        }
      `,
      undefined,
      { key: viewer },
    );
    expect(entries.errors).toBeUndefined();
    const connection = entries.data.performanceEntries;
    // Its two chireader website creatives share one placement, so two entries a day, not three.
    expect(connection.totalCount).toBe(2 * 7);
    expect(connection.edges).toHaveLength(3);
    expect(connection.pageInfo.hasNextPage).toBe(true);
    const node = connection.edges[0].node;
    expect(node.campaign).toEqual({ id: 'camp-holiday-2025', name: 'Holiday Shopping Local' });
    expect(node.order.id).toBe(node.orderId);
    expect(node.publication.publicationCode).toMatch(/chireader|suntimes/);

    const next = await graphql<any>(
      server.url,
      `
        query Next($after: String) {
          performanceEntries(filter: { campaignId: "camp-holiday-2025" }, first: 100, after: $after) {
            edges {
              node {
                id
              }
            }
          }
        }
      `,
      { after: connection.pageInfo.endCursor },
      { key: viewer },
    );
    expect(next.data.performanceEntries.edges).toHaveLength(2 * 7 - 3);
  });

  test('performanceSummary sums per group and recomputes the ratios from the sums', async () => {
    const summary = await graphql<any>(
      server.url,
      `
        {
          byChannel: performanceSummary(groupBy: [CHANNEL]) {
            channel
            entries
            impressions
            clicks
            viewableImpressions
            ctr
            viewability
          }
          total: performanceSummary(groupBy: []) {
            entries
            impressions
            clicks
            viewableImpressions
            ctr
            viewability
          }
          byWeek: performanceSummary(filter: { source: "automated" }, groupBy: [WEEK, CAMPAIGN]) {
            week
            campaignId
            impressions
          }
        }
      `,
      undefined,
      { key: viewer },
    );
    expect(summary.errors).toBeUndefined();
    const { byChannel, total, byWeek } = summary.data;
    expect(byChannel.map((r: any) => r.channel)).toEqual(['newsletter', 'streaming', 'website']);
    const sum = (key: string) => byChannel.reduce((s: number, r: any) => s + r[key], 0);
    expect(total).toHaveLength(1);
    expect(total[0].impressions).toBe(sum('impressions'));
    expect(total[0].entries).toBe(6 * 7);
    expect(total[0].ctr).toBe(Math.round((total[0].clicks / total[0].impressions) * 10000) / 100);
    expect(total[0].viewability).toBe(Math.round((total[0].viewableImpressions / total[0].impressions) * 10000) / 100);
    expect(byWeek.every((r: any) => new Date(r.week).getUTCDay() === 1)).toBe(true);
  });

  test('only operators start syncs; bad input is BAD_USER_INPUT naming the field, with nothing enqueued', async () => {
    const denied = await graphql(server.url, SYNC, { input: {} }, { key: viewer });
    expect(denied.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const bad = await graphql(server.url, SYNC, { input: { date: '2025-02-30' } }, { key: operator });
    expect(bad.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'date' });
    const badFilter = await graphql(
      server.url,
      `
        {
          performanceEntries(filter: { dateFrom: "2025-12-10T00:00:00Z", dateTo: "2025-12-01T00:00:00Z" }) {
            totalCount
          }
        }
      `,
      undefined,
      { key: viewer },
    );
    expect(badFilter.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'dateFrom' });
  });
});
