import type { PendingEntry } from '../../src/services/tracking/performanceEntry';
import { storedEntryKeys, writeEntries } from '../../src/services/tracking/writeEntries';
import { openTrackingFixture } from './support/fixtures';

const entry = (orderId: string, impressions: number): PendingEntry => ({
  match: {
    orderId,
    campaignId: 'c1',
    publicationId: 1035,
    publicationName: 'Chicago Reader',
    itemPath: 'tracking-website',
    itemName: 'Banner',
    channel: 'website',
  },
  reportDate: '2025-12-10',
  dimensions: '300x250',
  counts: { impressions, clicks: 1, viewableImpressions: 1, uniqueIps: 1 },
  rows: 1,
});

describe('writing performance entries (inserts when known new, upserts otherwise)', () => {
  let fixture: Awaited<ReturnType<typeof openTrackingFixture>>;
  beforeEach(async () => {
    fixture = await openTrackingFixture();
  });
  afterEach(async () => {
    await fixture.close();
  });

  test('an entry stored after the look-up (a concurrent run) is upserted: one entry, first createdAt, this updatedAt', async () => {
    const first = new Date('2025-12-11T06:00:00.000Z');
    const second = new Date('2025-12-11T06:05:00.000Z');
    const stale = await storedEntryKeys(fixture.db, ['2025-12-10']);
    expect(stale.size).toBe(0);
    expect(await writeEntries(fixture.db, [entry('o1', 10)], stale, first)).toEqual([]);
    // `stale` still says o1 is new: its insert meets the unique key and is retried as the upsert
    expect(await writeEntries(fixture.db, [entry('o1', 20), entry('o2', 5)], stale, second)).toEqual([]);
    const stored = await fixture.db
      .collection('performance_entries')
      .find({}, { sort: { orderId: 1 } })
      .toArray();
    expect(stored).toHaveLength(2);
    expect(stored[0]).toMatchObject({
      orderId: 'o1',
      createdAt: first,
      enteredAt: first,
      updatedAt: second,
      metrics: { impressions: 20 },
    });
    expect(stored[1]).toMatchObject({ orderId: 'o2', createdAt: second, updatedAt: second, source: 'automated' });
    expect(await storedEntryKeys(fixture.db, ['2025-12-10'])).toEqual(
      new Set(['o1\u0000tracking-website\u00002025-12-10', 'o2\u0000tracking-website\u00002025-12-10']),
    );
  });
});
