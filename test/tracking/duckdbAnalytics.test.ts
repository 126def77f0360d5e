import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DuckDbAnalytics } from '../../src/datasources/analytics/duckdb/duckdb';
import type { AnalyticsPort, AnalyticsRow } from '../../src/datasources/analytics/port';
import { dailyAggregatesQuery } from '../../src/services/tracking/trackingQuery';
import {
  cloudFrontLine,
  expectedAggregates,
  generateHits,
  writeHits,
  writeLogFile,
  type PixelHit,
} from './support/pixelLogs';

async function collect(rows: AsyncIterable<AnalyticsRow>): Promise<AnalyticsRow[]> {
  const all: AnalyticsRow[] = [];
  for await (const row of rows) all.push(row);
  return all;
}

const sortKey = (r: Record<string, unknown>) =>
  [r.report_date, r.publication_code, r.creative_id, r.channel, r.ad_size].join('|');
const sorted = <T extends Record<string, unknown>>(rows: T[]) =>
  [...rows].sort((a, b) => sortKey(a).localeCompare(sortKey(b)));

/** The seed's SQL text exactly, with its two placeholders filled by validated dates. */
const seedSql = (start: string, end: string) => `SELECT
  DATE_FORMAT(report_date, '%Y-%m-%d') AS report_date,
  creative_id,
  publication_code,
  channel,
  ad_size,
  impressions,
  clicks,
  viewable_impressions,
  unique_ips
FROM ad_tracking.daily_aggregates
WHERE report_date >= DATE '${start}'
  AND report_date <= DATE '${end}'
  AND impressions > 0
ORDER BY report_date, publication_code, creative_id`;

describe('DuckDB analytics over CloudFront logs', () => {
  let dir: string;
  let analytics: AnalyticsPort;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'tracking-logs-'));
    analytics = new DuckDbAnalytics({ logsDir: path.join(dir, 'logs') });
  });
  afterEach(async () => {
    await analytics.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('a missing or empty log directory gives zero rows, then files count as soon as they appear', async () => {
    const { sql, params } = dailyAggregatesQuery({ start: '2025-12-01', end: '2025-12-31' });
    expect(await collect(analytics.query(sql, params))).toEqual([]);
    await writeLogFile(path.join(dir, 'logs'), 'empty.gz', []);
    expect(await collect(analytics.query(sql, params))).toEqual([]);
    const hit: PixelHit = {
      date: '2025-12-10',
      ip: '1.2.3.4',
      event: 'impression',
      creativeId: 'cr_a_1',
      publicationCode: 'wbez',
    };
    await writeLogFile(path.join(dir, 'logs', 'deep', 'er'), 'one.gz', [cloudFrontLine(hit)]);
    expect(await collect(analytics.query(sql, params))).toHaveLength(1);
  });

  test('daily_aggregates equals an independent count of generated hits, across files and folders', async () => {
    const days = ['2025-12-08', '2025-12-09', '2025-12-10'];
    const creatives = [
      { creativeId: 'cr_camp1_300x250', publicationCode: 'chireader', channel: 'website', adSize: '300x250' },
      { creativeId: 'cr_camp1_728x90', publicationCode: 'chireader', channel: 'website', adSize: '728x90' },
      { creativeId: 'creative_camp2_nl', publicationCode: 'suntimes', channel: 'newsletter_image', adSize: '600x200' },
      { creativeId: 'cr_camp 3/ü_1', publicationCode: 'wbez', channel: 'streaming', adSize: '30s' },
    ];
    const hits = generateHits({ creatives, days, impressionsPerDay: 60, ipPool: 40, seed: 7 });
    await writeHits(path.join(dir, 'logs'), hits, 3);
    const { sql, params } = dailyAggregatesQuery({ start: days[0], end: days[2] });
    const rows = await collect(analytics.query(sql, params));
    const expected = expectedAggregates(hits).filter((r) => r.impressions > 0);
    expect(sorted(rows)).toEqual(sorted(expected as unknown as AnalyticsRow[]));
    expect(rows.some((r) => r.creative_id === 'cr_camp 3/ü_1')).toBe(true);
    expect(typeof rows[0].impressions).toBe('number');
  });

  test('the seed SQL text runs unchanged (DATE_FORMAT macro, DATE literals) and matches the parameterized query', async () => {
    const hits = generateHits({
      creatives: [{ creativeId: 'cr_x_1', publicationCode: 'tribune', channel: 'website', adSize: '300x250' }],
      days: ['2025-12-09', '2025-12-10', '2025-12-11'],
      impressionsPerDay: 10,
      ipPool: 5,
    });
    await writeHits(path.join(dir, 'logs'), hits);
    const fromSeed = await collect(analytics.query(seedSql('2025-12-10', '2025-12-11')));
    const { sql, params } = dailyAggregatesQuery({ start: '2025-12-10', end: '2025-12-11' });
    expect(fromSeed).toEqual(await collect(analytics.query(sql, params)));
    expect(fromSeed.map((r) => r.report_date)).toEqual(['2025-12-10', '2025-12-11']);
  });

  test('malformed lines, undecodable values and non-hits are not counted and break nothing', async () => {
    const base: PixelHit = {
      date: '2025-12-10',
      ip: '1.1.1.1',
      event: 'impression',
      creativeId: 'cr_a_1',
      publicationCode: 'wbez',
      channel: 'website',
    };
    const lines = [
      cloudFrontLine(base),
      cloudFrontLine({ ...base, ip: '1.1.1.2', event: 'click', status: 302 }),
      cloudFrontLine({ ...base, ip: '1.1.1.3', event: 'impression', status: 302 }),
      cloudFrontLine({ ...base, ip: '1.1.1.4' }, 'e=impression&cr=cr%E2%82_bad&pub=wbez'),
      cloudFrontLine({ ...base, ip: '1.1.1.5' }, 'e=impression&pub=wbez'),
      cloudFrontLine({ ...base, ip: '1.1.1.6' }, 'e=unknown&cr=cr_a_1&pub=wbez&ch=website'),
      cloudFrontLine({ ...base, ip: '1.1.1.7', date: 'not-a-date' }),
      cloudFrontLine({ ...base, ip: '1.1.1.8' }, 'E=IMPRESSION&cr=cr_a_1&pub=wbez&ch=website'),
      cloudFrontLine({ ...base, ip: '1.1.1.9' }, 'e=Impression&cr=cr_a_1&pub=wbez&ch=website'),
      'garbage without any tab',
      'two\tfields',
      cloudFrontLine({ ...base, ip: '1.1.1.11' }) + '\tnew-field\tanother',
      cloudFrontLine(base) + '\tx'.repeat(20),
      '#a comment line in the middle',
      cloudFrontLine(
        { ...base, ip: '1.1.1.10', creativeId: 'cr a+b', channel: 'newsletter text' },
        'e=impression&cr=cr+a%2Bb&pub=wbez&ch=newsletter+text',
      ),
    ];
    await writeLogFile(path.join(dir, 'logs'), 'mixed.gz', lines);
    const { sql, params } = dailyAggregatesQuery({ start: '2025-12-10', end: '2025-12-10' });
    const rows = sorted(await collect(analytics.query(sql, params)));
    expect(rows).toEqual([
      {
        report_date: '2025-12-10',
        creative_id: 'cr a+b',
        publication_code: 'wbez',
        channel: 'newsletter text',
        ad_size: null,
        impressions: 1,
        clicks: 0,
        viewable_impressions: 0,
        unique_ips: 1,
      },
      {
        report_date: '2025-12-10',
        creative_id: 'cr_a_1',
        publication_code: 'wbez',
        channel: 'website',
        ad_size: null,
        impressions: 3,
        clicks: 1,
        viewable_impressions: 0,
        unique_ips: 4,
      },
    ]);
  });

  test('the publication filter is a bound parameter and case-insensitive', async () => {
    const base: PixelHit = {
      date: '2025-12-10',
      ip: '1.1.1.1',
      event: 'impression',
      creativeId: 'cr_a_1',
      publicationCode: 'ChiReader',
    };
    await writeLogFile(path.join(dir, 'logs'), 'p.gz', [
      cloudFrontLine(base),
      cloudFrontLine({ ...base, publicationCode: 'wbez' }),
    ]);
    const { sql, params } = dailyAggregatesQuery({ start: '2025-12-10', end: '2025-12-10' }, 'chireader');
    expect(params).toEqual(['2025-12-10', '2025-12-10', 'chireader']);
    const rows = await collect(analytics.query(sql, params));
    expect(rows.map((r) => r.publication_code)).toEqual(['ChiReader']);
    const injected = await collect(analytics.query(sql, ['2025-12-10', '2025-12-10', "chireader' OR '1'='1"]));
    expect(injected).toEqual([]);
  });

  test('an aborted query stops with an AbortError', async () => {
    const controller = new AbortController();
    controller.abort();
    const { sql, params } = dailyAggregatesQuery({ start: '2025-12-10', end: '2025-12-10' });
    await expect(collect(analytics.query(sql, params, { signal: controller.signal }))).rejects.toThrow();
  });

  test('SQL errors surface as AnalyticsQueryError', async () => {
    await expect(collect(analytics.query('SELECT * FROM ad_tracking.nothing_here'))).rejects.toMatchObject({
      name: 'AnalyticsQueryError',
    });
  });
});
