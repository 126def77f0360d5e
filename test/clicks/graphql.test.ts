import { graphql } from '../support/graphql';
import { startTestServer, type TestServer } from '../support/server';
import { clickRow } from './support/harness';

const until = async <T>(probe: () => Promise<T>, done: (value: T) => boolean): Promise<T> => {
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

describe('click sync through GraphQL', () => {
  let server: TestServer;
  let operator: string;
  let viewer: string;

  beforeAll(async () => {
    server = await startTestServer({
      QUEUE_POLL_INTERVAL_MS: '20',
      JOB_POLL_WAIT_SECONDS: '1',
      CLICKS_PAGE_SIZE: '7',
      CLICKS_BATCH_SIZE: '3',
    });
    operator = await server.createApiKey('operator');
    viewer = await server.createApiKey('viewer');
    await server.app.ports.sfmc.appendRows!('NA', [
      clickRow({
        EventID: 'c1',
        JobID: '100',
        SubscriberKey: 'ann',
        URL: 'https://e.com/a',
        CategoryID: '7',
        CategoryName: 'News',
        ParentCategoryID: '1',
      }),
      clickRow({ EventID: 'c2', JobID: '100', SubscriberKey: 'ann', URL: 'https://e.com/a' }),
      clickRow({ EventID: 'c2', JobID: '100', SubscriberKey: 'ann', URL: 'https://e.com/a' }),
      clickRow({ EventID: 'c3', JobID: '100', SubscriberKey: 'bob', URL: 'https://e.com/a' }),
      clickRow({
        EventID: 'c4',
        JobID: '100',
        SubscriberKey: 'bob',
        URL: 'https://e.com/b',
        EventDate: '3/9/2026 10:00:00 AM',
      }),
      clickRow({ EventID: 'c5', JobID: '200', SubscriberKey: 'cy', URL: 'https://e.com/a' }),
      clickRow({ EventID: 'bad', JobID: '' }),
    ]);
  });
  afterAll(() => server.stop());

  it('syncClicks (operator) enqueues the loader; the workers process and acknowledge every row', async () => {
    const started = await graphql<{ syncClicks: { id: string; type: string; status: string } }>(
      server.url,
      'mutation { syncClicks(bu: "NA") { id type status } }',
      {},
      { key: operator },
    );
    expect(started.errors).toBeUndefined();
    expect(started.data?.syncClicks.type).toBe('clicks-load');
    const status = await until(
      () =>
        graphql<{ clickSyncStatus: { bu: string; backlog: number; running: boolean; watermark: string }[] }>(
          server.url,
          '{ clickSyncStatus { bu backlog running watermark } }',
          {},
          { key: viewer },
        ),
      (r) => r.data?.clickSyncStatus[0]?.backlog === 0 && r.data.clickSyncStatus[0].running === false,
    );
    expect(status.data?.clickSyncStatus).toEqual([
      { bu: 'NA', backlog: 0, running: false, watermark: '2026-03-09T16:00:00.000Z' },
    ]);
    const metrics = await (await fetch(new URL('/metrics', server.url))).text();
    expect(metrics).toContain('clicks_rows_total{bu="NA",outcome="processed"} 6');
    expect(metrics).toContain('clicks_rows_total{bu="NA",outcome="rejected"} 1');
    expect(metrics).toContain('clicks_rows_acknowledged_total{bu="NA"} 7');
  });

  it('lists click events with their send, URL and subscriber, filtered and paged', async () => {
    const page = await graphql<{
      clickEvents: {
        totalCount: number;
        edges: {
          node: {
            day: string;
            n: number;
            send: { jobId: string };
            url: { url: string };
            subscriber: { subscriberKey: string };
          };
        }[];
      };
    }>(
      server.url,
      `
        {
          clickEvents(filter: { bu: "NA", subscriberKey: "ann" }, first: 10) {
            totalCount
            edges {
              node {
                day
                n
                send {
                  jobId
                }
                url {
                  url
                }
                subscriber {
                  subscriberKey
                }
              }
            }
          }
        }
      `,
      {},
      { key: viewer },
    );
    expect(page.errors).toBeUndefined();
    expect(page.data?.clickEvents).toEqual({
      totalCount: 1,
      edges: [
        {
          node: {
            day: '2026-03-08',
            n: 2,
            send: { jobId: '100' },
            url: { url: 'https://e.com/a' },
            subscriber: { subscriberKey: 'ann' },
          },
        },
      ],
    });
    const byDay = await graphql<{ clickEvents: { totalCount: number } }>(
      server.url,
      '{ clickEvents(filter: { dayFrom: "2026-03-09", dayTo: "2026-03-09" }) { totalCount } }',
      {},
      { key: viewer },
    );
    expect(byDay.data?.clickEvents.totalCount).toBe(1);
  });

  it('computes click stats per group with top links', async () => {
    const stats = await graphql<{
      clickStats: {
        totalClicks: number;
        uniqueClickers: number;
        groups: { day: string; totalClicks: number; uniqueClickers: number }[];
        topLinks: { url: { url: string }; totalClicks: number; uniqueClickers: number }[];
      };
    }>(
      server.url,
      '{ clickStats(filter: { bu: "NA" }, groupBy: [DAY]) { totalClicks uniqueClickers groups { day totalClicks uniqueClickers } topLinks { url { url } totalClicks uniqueClickers } } }',
      {},
      { key: viewer },
    );
    expect(stats.errors).toBeUndefined();
    expect(stats.data?.clickStats).toEqual({
      totalClicks: 5,
      uniqueClickers: 3,
      groups: [
        { day: '2026-03-08', totalClicks: 4, uniqueClickers: 3 },
        { day: '2026-03-09', totalClicks: 1, uniqueClickers: 1 },
      ],
      topLinks: [
        { url: { url: 'https://e.com/a' }, totalClicks: 4, uniqueClickers: 3 },
        { url: { url: 'https://e.com/b' }, totalClicks: 1, uniqueClickers: 1 },
      ],
    });
  });

  it('shows a send with its category, links and totals', async () => {
    const events = await graphql<{ clickEvents: { edges: { node: { send: { id: string } } }[] } }>(
      server.url,
      '{ clickEvents(filter: { subscriberKey: "ann" }) { edges { node { send { id } } } } }',
      {},
      { key: viewer },
    );
    const id = events.data!.clickEvents.edges[0]!.node.send.id;
    const send = await graphql<{ emailSend: unknown }>(
      server.url,
      'query($id: ID!) { emailSend(id: $id) { jobId bu category { categoryId name parent { categoryId } } stats { totalClicks uniqueClickers } urls { url { url } totalClicks uniqueClickers } } }',
      { id },
      { key: viewer },
    );
    expect(send.errors).toBeUndefined();
    expect(send.data?.emailSend).toEqual({
      jobId: '100',
      bu: 'NA',
      category: { categoryId: '7', name: 'News', parent: { categoryId: '1' } },
      stats: { totalClicks: 4, uniqueClickers: 2 },
      urls: [
        { url: { url: 'https://e.com/a' }, totalClicks: 3, uniqueClickers: 2 },
        { url: { url: 'https://e.com/b' }, totalClicks: 1, uniqueClickers: 1 },
      ],
    });
  });

  it('refuses syncClicks to a viewer and names a bad business unit or day', async () => {
    const denied = await graphql(server.url, 'mutation { syncClicks(bu: "NA") { id } }', {}, { key: viewer });
    expect(denied.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const unknown = await graphql(server.url, 'mutation { syncClicks(bu: "Mars") { id } }', {}, { key: operator });
    expect(unknown.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'bu' });
    const backwards = await graphql(
      server.url,
      '{ clickEvents(filter: { dayFrom: "2026-03-09", dayTo: "2026-03-01" }) { totalCount } }',
      {},
      { key: viewer },
    );
    expect(backwards.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.dayTo' });
  });
});
