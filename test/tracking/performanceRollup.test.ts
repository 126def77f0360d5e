import type { Db, Document, Store } from '../../src/datasources/store';
import { trackingFeature } from '../../src/features/tracking';
import { keptSummary } from '../../src/services/tracking/keptSummary';
import { PERFORMANCE_ENTRIES } from '../../src/services/tracking/performanceEntry';
import {
  MAX_SUMMARY_GROUPS,
  PerformanceQueries,
  type GroupDimension,
  type PerformanceFilter,
} from '../../src/services/tracking/performanceQueries';
import {
  groupKey,
  PERFORMANCE_ROLLUPS,
  PerformanceRollups,
  type EntryFigure,
} from '../../src/services/tracking/performanceRollups';
import { runTrackingSync } from '../../src/services/tracking/runTrackingSync';
import type { TrackingServices } from '../../src/services/tracking/trackingServices';
import { startTestServer, type TestServer } from '../support/server';
import { openTestStore } from '../support/store';

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

  it('keep one document per start for the overall, publication and channel figures', async () => {
    const starts = (await figures(server.app.db)).filter((doc) => doc.dim === 'start');
    expect(starts.map((doc) => (doc.at as Date).getTime())).toEqual(days.map((day) => day.getTime()));
    for (const start of starts) {
      for (const dim of ['publication', 'channel']) {
        const groups = Object.values(start[dim] as Record<string, Document>);
        expect(groups.length).toBeGreaterThan(0);
        expect(groups.reduce((sum, group) => sum + (group.impressions as number), 0)).toBe(start.all.impressions);
        expect(groups.reduce((sum, group) => sum + (group.entries as number), 0)).toBe(start.all.entries);
      }
    }
  });

  it('do not change when the same days are synced again', async () => {
    const before = await figures(server.app.db);
    await runTrackingSync(tracking.sync, { days: 7 });
    await runTrackingSync(tracking.sync, { days: 3 });
    expect(await figures(server.app.db)).toEqual(before);
  });

  it('are rebuilt by `stats rebuild` from entries written directly, and then follow the syncs again', async () => {
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
    await db.collection(PERFORMANCE_ROLLUPS).updateMany({ dim: 'campaign' }, { $inc: { clicks: 1 } });
    await db.collection(PERFORMANCE_ROLLUPS).updateMany({ dim: 'start' }, { $inc: { 'all.clicks': 1 } });

    // `npm run cli -- stats rebuild --domain tracking`, run in the service
    const admin = await server.createApiKey('admin');
    const response = await fetch(new URL('/admin/commands/stats', server.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
      body: JSON.stringify({ flags: { domain: 'tracking' }, positional: ['rebuild'] }),
    });
    expect(await response.json()).toEqual({ exitCode: 0, output: 'tracking: {"days":8}\n' });
    for (const filter of filters()) await expectSameAsComputed(filter);

    await runTrackingSync(tracking.sync, { days: 1, date: days[6]!.toISOString().slice(0, 10) });
    for (const filter of filters()) await expectSameAsComputed(filter);
  });

  it('are built from the entries at start-up when never built, and only then', async () => {
    const db = server.app.db;
    const kept = await figures(db);
    expect(await tracking.rollups.buildMissing()).toBe(0);
    expect(await figures(db)).toEqual(kept);

    // a store written before the figures were kept per start: figures per publication, none per start
    await db.collection(PERFORMANCE_ROLLUPS).deleteMany({});
    await db.collection(PERFORMANCE_ROLLUPS).insertOne({
      _id: `${days[3]!.toISOString()}|publication|1035`,
      dim: 'publication',
      value: 1035,
      at: days[3],
      entries: 1,
      impressions: 10,
      clicks: 1,
      viewableImpressions: 5,
      reach: 3,
    } as Document);
    expect(await tracking.rollups.buildMissing()).toBe(8);
    expect(await db.collection(PERFORMANCE_ROLLUPS).countDocuments({ dim: 'publication' })).toBe(0);
    for (const filter of filters()) await expectSameAsComputed(filter);
    expect(await tracking.rollups.buildMissing()).toBe(0);
  });
});

describe('performance figures of values a field name cannot hold', () => {
  let store: Store;
  beforeAll(async () => {
    store = await openTestStore();
  });
  afterAll(() => store.close());

  it('name each group apart, and sum each under its own value', async () => {
    const keys = ['a.b', 'a%2Eb', '1035', 1035, 1.5, null, '', '$x', 'nul\u0000l'].map(groupKey);
    expect(new Set(keys).size).toBe(keys.length);
    for (const key of keys) {
      expect(key).not.toMatch(/^\$|\.|^\d+$/);
      expect(key.includes('\u0000')).toBe(false);
    }

    const at = new Date('2026-01-05T00:00:00.000Z');
    const figure = (channel: string, publicationId: number | null, impressions: number): EntryFigure => ({
      at,
      values: { campaignId: 'c.1', publicationId, channel },
      sums: { entries: 1, impressions, clicks: 1, viewableImpressions: 0, reach: 0 },
    });
    const rollups = new PerformanceRollups(store.db);
    await Promise.all(rollups.change([{ after: figure('a.b', 7, 10) }, { after: figure('$x', 1.5, 20) }]));
    await Promise.all(rollups.change([{ after: figure('a%2Eb', null, 30) }, { after: figure('a.b', 7, 40) }]));
    const summary = async (groupBy: GroupDimension[]) =>
      (await keptSummary(store.db, {}, groupBy, MAX_SUMMARY_GROUPS))!.map((row) => ({
        ...row,
        ctr: 0,
        viewability: 0,
      }));
    const row = (key: Document, entries: number, impressions: number) => ({
      ...key,
      entries,
      impressions,
      clicks: entries,
      viewableImpressions: 0,
      reach: 0,
      ctr: 0,
      viewability: 0,
    });
    expect(await summary(['CHANNEL'])).toEqual([
      row({ channel: '$x' }, 1, 20),
      row({ channel: 'a%2Eb' }, 1, 30),
      row({ channel: 'a.b' }, 2, 50),
    ]);
    expect(await summary(['PUBLICATION'])).toEqual([
      row({ publicationId: null }, 1, 30),
      row({ publicationId: 1.5 }, 1, 20),
      row({ publicationId: 7 }, 2, 50),
    ]);
    expect(await summary(['CAMPAIGN'])).toEqual([row({ campaignId: 'c.1' }, 4, 100)]);
  });
});
