import type { Db, Document } from '../../src/datasources/store';
import { trackingFeature } from '../../src/features/tracking';
import { keptSummary } from '../../src/services/tracking/keptSummary';
import { PERFORMANCE_ENTRIES } from '../../src/services/tracking/performanceEntry';
import {
  MAX_SUMMARY_GROUPS,
  PerformanceQueries,
  type GroupDimension,
  type PerformanceFilter,
} from '../../src/services/tracking/performanceQueries';
import { PERFORMANCE_ROLLUPS } from '../../src/services/tracking/performanceRollups';
import { runTrackingSync } from '../../src/services/tracking/runTrackingSync';
import type { TrackingServices } from '../../src/services/tracking/trackingServices';
import { startTestServer, type TestServer } from '../support/server';

const DAY_MS = 86_400_000;

async function figures(db: Db): Promise<Document[]> {
  return db
    .collection(PERFORMANCE_ROLLUPS)
    .find({}, { sort: { _id: 1 } })
    .toArray();
}

describe('performance figures kept beside the entries', () => {
  let server: TestServer;
  let tracking: TrackingServices;
  let queries: PerformanceQueries;
  let days: Date[];

  beforeAll(async () => {
    server = await startTestServer();
    await server.demo(trackingFeature);
    tracking = server.servicesOf(trackingFeature);
    queries = new PerformanceQueries(server.app.db);
    await runTrackingSync(tracking.sync, { days: 7 });
    const starts = await server.app.db.collection(PERFORMANCE_ENTRIES).distinct('dateStart');
    days = (starts as Date[]).sort((a, b) => a.getTime() - b.getTime());
  }, 60_000);
  afterAll(() => server.stop());

  const groupings: GroupDimension[][] = [
    [],
    ['DAY'],
    ['WEEK'],
    ['MONTH'],
    ['PUBLICATION'],
    ['CHANNEL'],
    ['CAMPAIGN'],
    ['DAY', 'PUBLICATION'],
    ['CHANNEL', 'MONTH'],
    ['ORDER'],
    ['DAY', 'CAMPAIGN', 'CHANNEL'],
  ];

  async function expectSameAsComputed(filter: PerformanceFilter) {
    for (const groupBy of groupings) {
      const answered = await queries.summarize(filter, groupBy);
      const computed = await queries.computeSummary(filter, groupBy);
      expect({ filter, groupBy, rows: answered }).toEqual({ filter, groupBy, rows: computed });
    }
  }

  function filters(): PerformanceFilter[] {
    const first = days[0]!;
    const month = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth(), 1));
    const monthEnd = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 1) - 1);
    return [
      {},
      { campaignId: 'camp-holiday-2025' },
      { channel: 'website' },
      { publicationId: 1035 },
      { dateFrom: days[1], dateTo: days[4] },
      { dateFrom: new Date(days[2]!.getTime() + 3_600_000) },
      { dateFrom: month, dateTo: monthEnd },
      { campaignId: 'camp-holiday-2025', dateFrom: days[3] },
      { campaignId: 'camp-holiday-2025', channel: 'website' },
      { source: 'automated' },
    ];
  }

  it('sum to what the entries sum to after a sync, for every filter and grouping', async () => {
    expect(days.length).toBe(7);
    for (const filter of filters()) await expectSameAsComputed(filter);
  });

  it('answer the dashboard summaries from the figures alone', async () => {
    const db = server.app.db;
    for (const groupBy of [[], ['DAY'], ['PUBLICATION'], ['CHANNEL'], ['CAMPAIGN'], ['MONTH']] as GroupDimension[][]) {
      expect(await keptSummary(db, {}, groupBy, MAX_SUMMARY_GROUPS)).not.toBeNull();
      expect(await keptSummary(db, { dateFrom: days[2] }, groupBy, MAX_SUMMARY_GROUPS)).not.toBeNull();
    }
    expect(await keptSummary(db, { channel: 'website' }, ['DAY'], MAX_SUMMARY_GROUPS)).not.toBeNull();
  });

  it('do not change when the same days are synced again', async () => {
    const before = await figures(server.app.db);
    await runTrackingSync(tracking.sync, { days: 7 });
    await runTrackingSync(tracking.sync, { days: 3 });
    expect(await figures(server.app.db)).toEqual(before);
  });

  it('are rebuilt from entries written directly, and then follow the syncs again', async () => {
    const db = server.app.db;
    const [entry] = await db.collection(PERFORMANCE_ENTRIES).find({ dateStart: days[6] }, { limit: 1 }).toArray();
    // entries another application wrote directly: a manual one a day before the synced ones, and
    // a change to a synced one (the next sync of its day writes it back)
    await db.collection(PERFORMANCE_ENTRIES).insertOne({
      ...entry,
      _id: undefined,
      orderId: 'manual-order',
      source: 'manual',
      dateStart: new Date(days[0]!.getTime() - DAY_MS),
      metrics: { impressions: 1000, clicks: 7, viewability: 50, reach: 300 },
    } as Document);
    await db
      .collection(PERFORMANCE_ENTRIES)
      .updateOne(
        { dateStart: days[6], orderId: entry!.orderId, itemPath: entry!.itemPath },
        { $inc: { 'metrics.clicks': 3 } },
      );
    await db.collection(PERFORMANCE_ROLLUPS).updateMany({}, { $inc: { clicks: 1 } });

    expect(await tracking.rollups.rebuild()).toBe(8);
    for (const filter of filters()) await expectSameAsComputed(filter);

    await runTrackingSync(tracking.sync, { days: 1, date: days[6]!.toISOString().slice(0, 10) });
    for (const filter of filters()) await expectSameAsComputed(filter);
  });
});
