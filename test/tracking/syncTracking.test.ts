import type { Db, Document } from '../../src/datasources/store';
import { syncTracking, type SyncTrackingDeps } from '../../src/services/tracking/syncTracking';
import { DEFAULT_PUBLICATION_CODES } from '../../src/services/tracking/publicationCodes';
import { expectedAggregates, generateHits, writeHits, type Creative } from './support/pixelLogs';
import { insertOrder, insertScript, openTrackingFixture } from './support/fixtures';

const DAYS = ['2025-12-08', '2025-12-09', '2025-12-10'];
const RANGE = { date: '2025-12-10', days: 3 };
const creative = (creativeId: string, publicationCode: string, channel = 'website', adSize = '300x250'): Creative => ({
  creativeId,
  publicationCode,
  channel,
  adSize,
});

/** Placed: four creatives, each landing on its own entry. Not placed: four that must be skipped. */
const PLACED = [
  creative('cr_holiday_300', 'chireader'),
  creative('cr_holiday_nl', 'ChiReader', 'newsletter_image', '600x200'),
  creative('creative_Transit_sq', 'wbez'),
  creative('cr_holiday_gz', 'gazette'),
];
const NOT_PLACED = [
  creative('cr_abc_1', 'tribune'),
  creative('cr_holiday_300', 'unknownpub'),
  creative('cr_ghost_1', 'suntimes'),
  creative('cr_holiday_del', 'hydepark'),
];

const round2 = (x: number) => Math.round(x * 100) / 100;
const strip = ({ _id, updatedAt, ...rest }: Document) => rest;

describe('syncTracking end to end (DuckDB over generated CloudFront logs, embedded store)', () => {
  let fixture: Awaited<ReturnType<typeof openTrackingFixture>>;
  let orders: Record<string, string>;
  const hits = generateHits({
    creatives: [...PLACED, ...NOT_PLACED],
    days: DAYS,
    impressionsPerDay: 40,
    ipPool: 30,
    seed: 11,
  });

  const deps = (overrides: Partial<SyncTrackingDeps> = {}): SyncTrackingDeps => ({
    db: fixture.db,
    analytics: fixture.analytics,
    logger: fixture.logger,
    publicationCodes: DEFAULT_PUBLICATION_CODES,
    batchSize: 5,
    now: () => new Date('2025-12-11T06:00:00.000Z'),
    ...overrides,
  });

  beforeEach(async () => {
    fixture = await openTrackingFixture();
    const db = fixture.db;
    await db.collection('publications').insertOne({ publicationId: 5001, publicationCode: 'Gazette', name: 'Gazette' });
    orders = {
      holiday: await insertOrder(db, { campaignId: 'holiday', publicationCode: 'chireader' }),
      transit: await insertOrder(db, {
        campaignId: 'transit',
        publicationCode: 'wbez',
        items: [
          { itemPath: 'print-half', itemName: 'Half page', channel: 'print' },
          { itemPath: 'web-sq', itemName: 'Square', channel: 'website' },
        ],
      }),
      gazette: await insertOrder(db, { campaignId: 'holiday', publicationCode: 'gazette', publicationId: 5001 }),
    };
    await insertOrder(db, { campaignId: 'xabcx', publicationCode: 'tribune' });
    await insertOrder(db, { campaignId: 'holiday', publicationCode: 'hydepark', deleted: true });
    await insertScript(db, {
      creativeId: 'cr_holiday_300',
      publicationId: 1035,
      campaignId: 'holiday',
      channel: 'website',
      name: 'Holiday 300',
    });
    await insertScript(db, {
      creativeId: 'cr_holiday_nl',
      publicationId: 1035,
      campaignId: 'holiday',
      channel: 'newsletter_image',
    });
    await writeHits(fixture.logsDir, hits, 2);
  });
  afterEach(() => fixture.close());

  test('entries match an independent count of the generated hits; skips are counted and logged', async () => {
    const result = await syncTracking(RANGE, deps());
    expect(result).toMatchObject({ success: true, dateRange: { start: '2025-12-08', end: '2025-12-10' } });
    expect(result.stats).toEqual({ rowsFromAthena: 24, synced: 12, skipped: 12, errors: 0 });

    const entries = await fixture.db.collection('performance_entries').find({}).toArray();
    expect(entries).toHaveLength(12);
    const placement: Record<string, { orderId: string; itemPath: string; channel: string; itemName: string }> = {
      cr_holiday_300: {
        orderId: orders.holiday,
        itemPath: 'tracking-website',
        channel: 'website',
        itemName: 'Holiday 300',
      },
      cr_holiday_nl: {
        orderId: orders.holiday,
        itemPath: 'tracking-newsletter_image',
        channel: 'newsletter',
        itemName: 'cr_holiday_nl',
      },
      creative_Transit_sq: { orderId: orders.transit, itemPath: 'web-sq', channel: 'website', itemName: 'Square' },
      cr_holiday_gz: {
        orderId: orders.gazette,
        itemPath: 'digital-cr_holiday_gz',
        channel: 'website',
        itemName: 'cr_holiday_gz',
      },
    };
    const placedIds = new Set(PLACED.map((c) => `${c.creativeId}|${c.publicationCode}`));
    for (const row of expectedAggregates(hits).filter((r) => placedIds.has(`${r.creative_id}|${r.publication_code}`))) {
      const where = placement[row.creative_id];
      const entry = entries.find(
        (e) =>
          e.orderId === where.orderId &&
          e.itemPath === where.itemPath &&
          e.dateStart.toISOString().startsWith(row.report_date),
      );
      expect(entry).toMatchObject({
        ...where,
        source: 'automated',
        enteredBy: 'tracking-sync',
        dimensions: row.ad_size,
        dateEnd: new Date(`${row.report_date}T23:59:59.999Z`),
        metrics: {
          impressions: row.impressions,
          clicks: row.clicks,
          viewableImpressions: row.viewable_impressions,
          reach: row.unique_ips,
          ctr: round2((row.clicks / row.impressions) * 100),
          viewability: round2((row.viewable_impressions / row.impressions) * 100),
        },
      });
      expect(entry!.createdAt).toEqual(entry!.updatedAt);
    }

    const skips = fixture.logLines.filter(
      (l) => l.msg === 'Order not found' || l.msg === 'Publication code not mapped',
    );
    expect(skips).toHaveLength(12);
    expect(skips).toContainEqual(
      expect.objectContaining({ msg: 'Order not found', creativeId: 'cr_abc_1', publicationCode: 'tribune' }),
    );
    expect(skips).toContainEqual(
      expect.objectContaining({
        msg: 'Publication code not mapped',
        creativeId: 'cr_holiday_300',
        publicationCode: 'unknownpub',
      }),
    );
  });

  test('a second run of the same range changes nothing but updatedAt', async () => {
    await syncTracking(RANGE, deps());
    const first = await fixture.db
      .collection('performance_entries')
      .find({}, { sort: { _id: 1 } })
      .toArray();
    const again = await syncTracking(RANGE, deps({ now: () => new Date('2025-12-12T06:00:00.000Z') }));
    expect(again.stats).toEqual({ rowsFromAthena: 24, synced: 12, skipped: 12, errors: 0 });
    const second = await fixture.db
      .collection('performance_entries')
      .find({}, { sort: { _id: 1 } })
      .toArray();
    expect(second.map(strip)).toEqual(first.map(strip));
    expect(second.map((e) => String(e._id))).toEqual(first.map((e) => String(e._id)));
    expect(second.every((e) => e.updatedAt.toISOString() === '2025-12-12T06:00:00.000Z')).toBe(true);
  });

  test('dryRun reads and matches everything and writes nothing', async () => {
    const result = await syncTracking({ ...RANGE, dryRun: true }, deps());
    expect(result.stats).toEqual({ rowsFromAthena: 24, synced: 12, skipped: 12, errors: 0 });
    expect(await fixture.db.collection('performance_entries').countDocuments({})).toBe(0);
  });

  test('a publicationCode filter limits the rows (case-insensitive)', async () => {
    const result = await syncTracking({ ...RANGE, publicationCode: 'CHIREADER' }, deps());
    expect(result.stats).toEqual({ rowsFromAthena: 6, synced: 6, skipped: 0, errors: 0 });
    expect(await fixture.db.collection('performance_entries').distinct('publicationId')).toEqual([1035]);
  });

  test('batches cost one query per collection and one bulkWrite, never a round trip per row', async () => {
    const calls: string[] = [];
    const countingDb = new Proxy(fixture.db, {
      get(target, property, receiver) {
        if (property !== 'collection') return Reflect.get(target, property, receiver);
        return (name: string) => {
          const collection = target.collection(name);
          return new Proxy(collection, {
            get(c, method, r) {
              const value = Reflect.get(c, method, r);
              if (typeof value !== 'function') return value;
              return (...args: unknown[]) => {
                calls.push(`${name}.${String(method)}`);
                return value.apply(c, args);
              };
            },
          });
        };
      },
    }) as Db;
    await syncTracking(RANGE, deps({ db: countingDb, batchSize: 5 }));
    const batches = Math.ceil(24 / 5);
    expect(calls.filter((c) => c.endsWith('.findOne') || c.endsWith('.updateOne'))).toEqual([]);
    expect(calls.filter((c) => c === 'tracking_scripts.find').length).toBeLessThanOrEqual(batches);
    expect(calls.filter((c) => c === 'publication_insertion_orders.find').length).toBeLessThanOrEqual(batches);
    expect(calls.filter((c) => c === 'publications.find')).toHaveLength(1);
    expect(calls.filter((c) => c === 'performance_entries.bulkWrite').length).toBeLessThanOrEqual(
      batches + DAYS.length,
    );
  });

  test('progress is reported per batch and ends at 1', async () => {
    const reports: number[] = [];
    await syncTracking(RANGE, deps({ batchSize: 4, onProgress: async (fraction) => void reports.push(fraction) }));
    expect(reports.length).toBeGreaterThanOrEqual(6);
    expect(reports.at(-1)).toBe(1);
    expect([...reports].sort((a, b) => a - b)).toEqual(reports);
  });

  test.each([1000, 2])('a store failure fails the sync with the error (batch size %s)', async (batchSize) => {
    let writing = 0;
    const failingDb = new Proxy(fixture.db, {
      get(target, property, receiver) {
        if (property !== 'collection') return Reflect.get(target, property, receiver);
        return (name: string) => {
          const collection = target.collection(name);
          if (name !== 'performance_entries') return collection;
          return Object.assign(Object.create(collection), {
            bulkWrite: async () => {
              writing += 1;
              await new Promise((resolve) => setImmediate(resolve));
              writing -= 1;
              throw new Error('connection reset by peer');
            },
          });
        };
      },
    }) as Db;
    await expect(syncTracking(RANGE, deps({ db: failingDb, batchSize }))).rejects.toThrow('connection reset by peer');
    expect(writing).toBe(0);
  });

  test('rows landing on one placement add up instead of overwriting each other', async () => {
    await insertScript(fixture.db, {
      creativeId: 'cr_holiday_728',
      publicationId: 1035,
      campaignId: 'holiday',
      channel: 'website',
    });
    const extra = generateHits({
      creatives: [creative('cr_holiday_728', 'chireader', 'website', '728x90')],
      days: DAYS,
      impressionsPerDay: 30,
      ipPool: 10,
      seed: 3,
    });
    await writeHits(`${fixture.logsDir}/extra`, extra, 1);
    await syncTracking(RANGE, deps());
    const both = expectedAggregates([...hits, ...extra]).filter(
      (r) =>
        r.publication_code === 'chireader' &&
        ['cr_holiday_300', 'cr_holiday_728'].includes(r.creative_id) &&
        r.report_date === '2025-12-09',
    );
    const entry = await fixture.db.collection('performance_entries').findOne({
      orderId: orders.holiday,
      itemPath: 'tracking-website',
      dateStart: new Date('2025-12-09T00:00:00.000Z'),
    });
    expect(entry!.metrics.impressions).toBe(both.reduce((s, r) => s + r.impressions, 0));
    expect(entry!.metrics.clicks).toBe(both.reduce((s, r) => s + r.clicks, 0));
    expect(entry!.dimensions).toBe('300x250,728x90');
  });
});
