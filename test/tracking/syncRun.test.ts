import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { Registry } from 'prom-client';
import type { AnalyticsPort, AnalyticsRow } from '../../src/datasources/analytics/port';
import { CloudWatchPublisher } from '../../src/datasources/metrics/cloudwatch/cloudwatch';
import type { MetricsPublisher } from '../../src/datasources/metrics';
import { createTrackingSyncHandler } from '../../src/lambda/trackingSync';
import { runTrackingSync, type TrackingSyncHost } from '../../src/services/tracking/runTrackingSync';
import { createSyncMetrics, type SyncMetrics } from '../../src/services/tracking/syncMetrics';
import { syncInputFromFlags } from '../../src/services/tracking/syncTrackingFlags';
import { trackingFeature } from '../../src/features/tracking';
import { trackingSyncJob } from '../../src/services/tracking/trackingSync.job';
import { testJobContext } from '../support/jobContext';
import { insertOrder, insertScript, openTrackingFixture } from './support/fixtures';

const cloudWatch = mockClient(CloudWatchClient);

/** Rows straight from memory, the shape both engines return. */
function rowsPort(rows: AnalyticsRow[]): AnalyticsPort {
  return {
    engine: 'duckdb',
    async *query() {
      yield* rows;
    },
    async close() {},
  };
}

const row = (creativeId: string, overrides: Partial<AnalyticsRow> = {}): AnalyticsRow => ({
  report_date: '2025-12-10',
  creative_id: creativeId,
  publication_code: 'chireader',
  channel: 'website',
  ad_size: '300x250',
  impressions: 100,
  clicks: 4,
  viewable_impressions: 50,
  unique_ips: 80,
  ...overrides,
});

describe('running the sync: metrics, job, Lambda, CLI flags', () => {
  let fixture: Awaited<ReturnType<typeof openTrackingFixture>>;
  let registry: Registry;
  let metrics: SyncMetrics;

  const host = (rows: AnalyticsRow[], publisher?: MetricsPublisher): TrackingSyncHost => ({
    db: fixture.db,
    analytics: rowsPort(rows),
    logger: fixture.logger,
    metrics,
    publisher:
      publisher ??
      new CloudWatchPublisher(
        new CloudWatchClient({ region: 'us-east-1', credentials: { accessKeyId: 'k', secretAccessKey: 's' } }),
      ),
    config: { TRACKING_SYNC_BATCH_SIZE: 2, TRACKING_PUBLICATION_CODES: undefined },
  });

  beforeEach(async () => {
    cloudWatch.reset();
    cloudWatch.on(PutMetricDataCommand).resolves({});
    registry = new Registry();
    metrics = createSyncMetrics(registry);
    fixture = await openTrackingFixture();
    await insertOrder(fixture.db, { campaignId: 'holiday', publicationCode: 'chireader' });
    await insertScript(fixture.db, {
      creativeId: 'cr_holiday_1',
      publicationId: 1035,
      campaignId: 'holiday',
      channel: 'website',
    });
  });
  afterEach(() => fixture.close());

  test('bad rows are errors, logged with their ids, and the rest of the batch goes on', async () => {
    const rows = [
      row('cr_holiday_1'),
      row('cr_bad_1', { impressions: -3 }),
      row('cr_bad_2', { report_date: '10/12/2025' }),
      row('cr_nobody_1'),
    ];
    const result = await runTrackingSync(host(rows), { date: '2025-12-10' });
    expect(result.stats).toEqual({ rowsFromAthena: 4, synced: 1, skipped: 1, errors: 2 });
    expect(fixture.logLines).toContainEqual(
      expect.objectContaining({
        msg: 'Invalid tracking row',
        creativeId: 'cr_bad_1',
        publicationCode: 'chireader',
        level: 50,
      }),
    );
  });

  test('metrics go to the Prometheus registry and to CloudWatch under EmpowerLocal/TrackingSync', async () => {
    const result = await runTrackingSync(host([row('cr_holiday_1'), row('cr_nobody_1')]), { date: '2025-12-10' });
    const text = await registry.metrics();
    expect(text).toMatch(/tracking_sync_rows_synced_total\{dry_run="false"\} 1/);
    expect(text).toMatch(/tracking_sync_rows_skipped_total\{dry_run="false"\} 1/);
    expect(text).toMatch(/tracking_sync_runs_total\{outcome="success",dry_run="false"\} 1/);
    const calls = cloudWatch.commandCalls(PutMetricDataCommand);
    expect(calls).toHaveLength(1);
    const input = calls[0].args[0].input;
    expect(input.Namespace).toBe('EmpowerLocal/TrackingSync');
    expect(input.MetricData!.map((d) => [d.MetricName, d.Value, d.Unit])).toEqual([
      ['RowsSynced', 1, 'Count'],
      ['RowsSkipped', 1, 'Count'],
      ['Errors', 0, 'Count'],
      ['Duration', result.duration, 'Milliseconds'],
    ]);
  });

  test('a CloudWatch outage is logged and does not fail the sync; dry runs are not pushed', async () => {
    cloudWatch.on(PutMetricDataCommand).rejects(new Error('throttled'));
    await expect(runTrackingSync(host([row('cr_holiday_1')]), { date: '2025-12-10' })).resolves.toMatchObject({
      success: true,
    });
    expect(fixture.logLines).toContainEqual(
      expect.objectContaining({ msg: 'Tracking sync metrics were not published' }),
    );
    cloudWatch.resetHistory();
    await runTrackingSync(host([row('cr_holiday_1')]), { date: '2025-12-10', dryRun: true });
    expect(cloudWatch.commandCalls(PutMetricDataCommand)).toHaveLength(0);
  });

  test('partial write failures count their rows as errors', async () => {
    const failing = { ...host([row('cr_holiday_1')]) };
    const realCollection = fixture.db.collection.bind(fixture.db);
    failing.db = Object.assign(Object.create(fixture.db), {
      collection: (name: string) => {
        const collection = realCollection(name);
        if (name !== 'performance_entries') return collection;
        return Object.assign(Object.create(collection), {
          bulkWrite: async () => {
            throw Object.assign(new Error('E11000 duplicate key'), {
              writeErrors: [{ index: 0, code: 11000, errmsg: 'E11000 duplicate key' }],
            });
          },
        });
      },
    });
    const result = await runTrackingSync(failing, { date: '2025-12-10' });
    expect(result.stats).toEqual({ rowsFromAthena: 1, synced: 0, skipped: 0, errors: 1 });
    expect(fixture.logLines).toContainEqual(
      expect.objectContaining({
        msg: 'Performance entry write failed',
        creativeId: 'cr_holiday_1',
        publicationCode: 'chireader',
      }),
    );
  });

  test('the tracking-sync job reports progress and stats and returns the response', async () => {
    const job = trackingSyncJob(() => host([row('cr_holiday_1'), row('cr_nobody_1')]));
    const context = testJobContext();
    const result = await job.perform(job.params.parse({ date: '2025-12-10' }), context);
    expect(result).toMatchObject({ success: true, stats: { rowsFromAthena: 2, synced: 1, skipped: 1, errors: 0 } });
    expect(context.recorded.stats).toEqual({ rowsFromAthena: 2, synced: 1, skipped: 1, errors: 0 });
    expect(context.recorded.progress.at(-1)?.fraction).toBe(1);
  });

  test('a cancelled job stops at its next progress report', async () => {
    const job = trackingSyncJob(() =>
      host([row('cr_holiday_1'), row('cr_holiday_1', { report_date: '2025-12-09' }), row('cr_nobody_1')]),
    );
    const context = testJobContext();
    context.cancel();
    await expect(job.perform({ date: '2025-12-10', days: 2 }, context)).rejects.toMatchObject({
      name: 'JobCancelledError',
    });
  });

  test.each<[Record<string, unknown>, string]>([
    [{ date: '2025-12-32' }, 'date'],
    [{ days: 0 }, 'days'],
    [{ publicationCode: "x' OR 1=1" }, 'publicationCode'],
    [{ dryrun: true }, ''],
  ])('job params %j are refused (%s)', (params) => {
    expect(trackingSyncJob(() => host([])).params.safeParse(params).success).toBe(false);
  });

  test('the Lambda handler answers with the seed response shapes', async () => {
    const handler = createTrackingSyncHandler(async () => ({ host: host([row('cr_holiday_1')]) }));
    await expect(handler({ date: '2025-12-10' })).resolves.toMatchObject({
      success: true,
      dateRange: { start: '2025-12-10', end: '2025-12-10' },
      stats: { rowsFromAthena: 1, synced: 1, skipped: 0, errors: 0 },
    });
    const bad = await handler({ date: 'yesterday' });
    expect(bad).toMatchObject({
      success: false,
      dateRange: { start: '', end: '' },
      stats: { rowsFromAthena: 0, synced: 0, skipped: 0, errors: 0 },
    });
    expect(bad.error).toMatch(/date/);
    const broken = createTrackingSyncHandler(async () => {
      throw new Error('MongoServerSelectionError: connection refused');
    });
    await expect(broken({ date: '2025-12-10', days: 2 })).resolves.toMatchObject({
      success: false,
      dateRange: { start: '2025-12-09', end: '2025-12-10' },
      error: 'MongoServerSelectionError: connection refused',
    });
  });

  test('the daily schedule: TRACKING_SYNC at 06:00 UTC enqueues tracking-sync with valid params', () => {
    const schedule = trackingFeature.schedules!.find((s) => s.name === 'TRACKING_SYNC')!;
    expect(schedule).toMatchObject({ cron: '0 6 * * *', jobType: 'tracking-sync' });
    expect(trackingSyncJob(() => host([])).params.safeParse(schedule.params).success).toBe(true);
    expect(Object.keys(trackingFeature.commands!)).toEqual(['sync-tracking']);
  });

  test('CLI flags become the sync input', () => {
    expect(syncInputFromFlags({ date: '2025-12-10', days: '7', publication: 'chireader', 'dry-run': true })).toEqual({
      date: '2025-12-10',
      days: 7,
      publicationCode: 'chireader',
      dryRun: true,
    });
    expect(syncInputFromFlags({})).toEqual({
      date: undefined,
      days: undefined,
      publicationCode: undefined,
      dryRun: false,
    });
    expect(() => syncInputFromFlags({ days: 'seven' })).toThrow(/days/);
    expect(() => syncInputFromFlags({ pub: 'x' })).toThrow(/unknown flag --pub/);
  });
});
