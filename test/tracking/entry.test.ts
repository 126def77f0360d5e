import { computeMetrics, percentage } from '../../src/services/tracking/metrics';
import { ENTERED_BY, performanceEntryUpsert, type PendingEntry } from '../../src/services/tracking/performanceEntry';
import { parseTrackingRow } from '../../src/services/tracking/trackingRow';

describe('metrics', () => {
  test.each([
    [
      { impressions: 1000, clicks: 25, viewableImpressions: 700, uniqueIps: 640 },
      { ctr: 2.5, viewability: 70, reach: 640 },
    ],
    [
      { impressions: 3, clicks: 1, viewableImpressions: 2, uniqueIps: 3 },
      { ctr: 33.33, viewability: 66.67, reach: 3 },
    ],
    [
      { impressions: 0, clicks: 5, viewableImpressions: 0, uniqueIps: 2 },
      { ctr: 0, viewability: 0, reach: 2 },
    ],
    [
      { impressions: 7, clicks: 0, viewableImpressions: 7, uniqueIps: 1 },
      { ctr: 0, viewability: 100, reach: 1 },
    ],
    [
      { impressions: 200, clicks: 1, viewableImpressions: 1, uniqueIps: 1 },
      { ctr: 0.5, viewability: 0.5, reach: 1 },
    ],
    [
      { impressions: 80000, clicks: 1, viewableImpressions: 0, uniqueIps: 1 },
      { ctr: 0, viewability: 0, reach: 1 },
    ],
    [
      { impressions: 800, clicks: 1, viewableImpressions: 0, uniqueIps: 1 },
      { ctr: 0.13, viewability: 0, reach: 1 },
    ],
  ])('%j -> %j', (counts, expected) => {
    expect(computeMetrics(counts)).toMatchObject({
      ...expected,
      impressions: counts.impressions,
      clicks: counts.clicks,
    });
  });

  test('rounding is to 2 decimals, half up', () => {
    expect(percentage(1, 8)).toBe(12.5);
    expect(percentage(1, 3)).toBe(33.33);
    expect(percentage(2, 3)).toBe(66.67);
    expect(percentage(1, 0)).toBe(0);
  });
});

describe('performance entry upsert', () => {
  const entry: PendingEntry = {
    match: {
      orderId: 'o1',
      campaignId: 'c1',
      publicationId: 1035,
      publicationName: 'Chicago Reader',
      itemPath: 'tracking-website',
      itemName: 'Banner',
      channel: 'website',
    },
    reportDate: '2025-12-10',
    dimensions: '300x250',
    counts: { impressions: 100, clicks: 3, viewableImpressions: 60, uniqueIps: 80 },
    rows: 1,
  };
  const now = new Date('2025-12-11T06:00:00.000Z');

  test('keys on exactly {orderId, itemPath, dateStart, source}, with the day in UTC', () => {
    const op = performanceEntryUpsert(entry, now) as {
      updateOne: { filter: object; update: Record<string, Record<string, unknown>>; upsert: boolean };
    };
    expect(op.updateOne.filter).toEqual({
      orderId: 'o1',
      itemPath: 'tracking-website',
      dateStart: new Date('2025-12-10T00:00:00.000Z'),
      source: 'automated',
    });
    expect(op.updateOne.upsert).toBe(true);
    expect(op.updateOne.update.$set.dateEnd).toEqual(new Date('2025-12-10T23:59:59.999Z'));
    expect(op.updateOne.update.$set.enteredBy).toBe(ENTERED_BY);
    expect(op.updateOne.update.$set.updatedAt).toBe(now);
    expect(op.updateOne.update.$set.metrics).toEqual({
      impressions: 100,
      clicks: 3,
      viewableImpressions: 60,
      ctr: 3,
      viewability: 60,
      reach: 80,
    });
    expect(op.updateOne.update.$setOnInsert).toEqual({ createdAt: now, enteredAt: now });
    expect(op.updateOne.update.$set).not.toHaveProperty('createdAt');
  });
});

describe('parseTrackingRow', () => {
  const good = {
    report_date: '2025-12-10',
    creative_id: 'cr_abc_1',
    publication_code: 'ChiReader',
    channel: 'website',
    ad_size: '300x250',
    impressions: 10,
    clicks: '2',
    viewable_impressions: 5,
    unique_ips: 4,
  };

  test('accepts numbers, numeric strings and lower-cases the code', () => {
    const parsed = parseTrackingRow(good);
    expect(parsed).toEqual({
      ok: true,
      row: {
        reportDate: '2025-12-10',
        creativeId: 'cr_abc_1',
        publicationCode: 'chireader',
        channel: 'website',
        adSize: '300x250',
        impressions: 10,
        clicks: 2,
        viewableImpressions: 5,
        uniqueIps: 4,
      },
    });
  });

  test.each([
    [{ report_date: '2025-12-32' }, 'report_date'],
    [{ report_date: null }, 'report_date'],
    [{ creative_id: '' }, 'creative_id'],
    [{ creative_id: 'x'.repeat(300) }, 'creative_id'],
    [{ publication_code: 'chi reader' }, 'publication_code'],
    [{ impressions: -1 }, 'count'],
    [{ clicks: 1.5 }, 'count'],
    [{ unique_ips: 'many' }, 'count'],
    [{ viewable_impressions: null }, 'count'],
  ])('%j is an error row (%s)', (change, reason) => {
    const parsed = parseTrackingRow({ ...good, ...change });
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason).toContain(reason);
  });

  test('missing channel and size are null, not errors', () => {
    const parsed = parseTrackingRow({ ...good, channel: null, ad_size: '' });
    expect(parsed.ok && parsed.row.channel === null && parsed.row.adSize === null).toBe(true);
  });
});
