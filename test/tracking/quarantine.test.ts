import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { access, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Registry } from 'prom-client';
import { Role } from '../../src/auth/roles';
import { trackingLogsDir } from '../../src/datasources/analytics';
import { DuckDbAnalytics } from '../../src/datasources/analytics/duckdb/duckdb';
import { CloudWatchPublisher } from '../../src/datasources/metrics/cloudwatch/cloudwatch';
import { trackingFeature } from '../../src/features/tracking';
import { runTrackingSync } from '../../src/services/tracking/runTrackingSync';
import { createSyncMetrics } from '../../src/services/tracking/syncMetrics';
import { graphql } from '../support/graphql';
import { startTestServer, type TestServer } from '../support/server';
import { insertOrder, insertScript, openTrackingFixture } from './support/fixtures';
import { cloudFrontLine, writeLogFile } from './support/pixelLogs';

const exists = (file: string) =>
  access(file).then(
    () => true,
    () => false,
  );

/** Two ways a log file goes bad: bytes that are no gzip at all, and a gzip cut short in transfer. */
async function writeCorruptLogs(logsDir: string, goodFile: string): Promise<string[]> {
  const notGzip = path.join(logsDir, '2025', 'E1BAD.not-gzip.gz');
  const cutShort = path.join(logsDir, 'E1BAD.cut-short.gz');
  const bytes = await readFile(goodFile);
  await mkdir(path.dirname(notGzip), { recursive: true });
  await writeFile(notGzip, 'this is not a gzip stream\n');
  await writeFile(cutShort, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
  return [path.relative(logsDir, notGzip), path.relative(logsDir, cutShort)];
}

describe('corrupt .gz log files in a tracking sync', () => {
  let server: TestServer;
  let operator: string;

  beforeAll(async () => {
    server = await startTestServer();
    operator = await server.createApiKey(Role.OPERATOR);
    await server.demo(trackingFeature);
  });
  afterAll(() => server.stop());

  async function finished(id: string) {
    for (;;) {
      const query = 'query($id: ID!) { job(id: $id) { status result error { message } } }';
      const { data } = await graphql<{ job: { status: string; result: any; error: unknown } }>(
        server.url,
        query,
        { id },
        { key: operator },
      );
      // a failed attempt waits 30 s for its retry: its error is the answer
      if (data && (data.job.error || ['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(data.job.status))) return data.job;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  test('are moved aside and named in the job result with their error; the other files are synced', async () => {
    const logsDir = trackingLogsDir(server.app.config);
    const good = await writeLogFile(path.join(logsDir, 'extra'), 'E1GOOD.gz', [
      cloudFrontLine({
        date: '2020-01-01',
        ip: '9.9.9.9',
        event: 'impression',
        creativeId: 'cr_old_1',
        publicationCode: 'chireader',
      }),
    ]);
    const bad = await writeCorruptLogs(logsDir, good);

    const started = await graphql<{ syncTracking: { id: string } }>(
      server.url,
      'mutation { syncTracking(input: { days: 7 }) { id } }',
      {},
      { key: operator },
    );
    const job = await finished(started.data!.syncTracking.id);
    expect(job.status).toBe('SUCCEEDED');
    expect(job.result).toMatchObject({
      success: true,
      stats: { rowsFromAthena: 9 * 7, synced: 7 * 7, skipped: 2 * 7, errors: 0 },
    });
    expect(job.result.quarantined.map((q: { file: string }) => q.file).sort()).toEqual([...bad].sort());
    for (const entry of job.result.quarantined) {
      expect(entry.error).toMatch(/\S/);
      expect(await exists(path.join(logsDir, entry.file))).toBe(false);
      expect(await exists(path.join(logsDir, entry.movedTo))).toBe(true);
    }
    expect(await exists(good)).toBe(true);

    const metrics = await (await fetch(new URL('/metrics', server.url))).text();
    expect(metrics).toMatch(/tracking_sync_quarantined_files_total 2/);

    // moved aside once: the next run reads the rest and quarantines nothing more
    const again = await graphql<{ syncTracking: { id: string } }>(
      server.url,
      'mutation { syncTracking(input: { days: 7 }) { id } }',
      {},
      { key: operator },
    );
    const next = await finished(again.data!.syncTracking.id);
    expect(next.status).toBe('SUCCEEDED');
    expect(next.result.quarantined).toBeUndefined();
  });
});

describe('the quarantine alarm', () => {
  const cloudWatch = mockClient(CloudWatchClient);
  let dir: string;

  beforeEach(async () => {
    cloudWatch.reset();
    cloudWatch.on(PutMetricDataCommand).resolves({});
    dir = await mkdtemp(path.join(os.tmpdir(), 'tracking-quarantine-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  test('pushes QuarantinedFiles to CloudWatch beside the run figures', async () => {
    const fixture = await openTrackingFixture();
    const analytics = new DuckDbAnalytics({ logsDir: dir });
    try {
      await insertOrder(fixture.db, { campaignId: 'holiday', publicationCode: 'chireader' });
      await insertScript(fixture.db, {
        creativeId: 'cr_holiday_1',
        publicationId: 1035,
        campaignId: 'holiday',
        channel: 'website',
      });
      const good = await writeLogFile(dir, 'good.gz', [
        cloudFrontLine({
          date: '2025-12-10',
          ip: '1.1.1.1',
          event: 'impression',
          creativeId: 'cr_holiday_1',
          publicationCode: 'chireader',
          channel: 'website',
        }),
      ]);
      await writeCorruptLogs(dir, good);
      const result = await runTrackingSync(
        {
          db: fixture.db,
          analytics,
          logger: fixture.logger,
          metrics: createSyncMetrics(new Registry()),
          publisher: new CloudWatchPublisher(
            new CloudWatchClient({ region: 'us-east-1', credentials: { accessKeyId: 'k', secretAccessKey: 's' } }),
          ),
          config: { TRACKING_SYNC_BATCH_SIZE: 10, TRACKING_PUBLICATION_CODES: undefined },
        },
        { date: '2025-12-10' },
      );
      expect(result).toMatchObject({ success: true, stats: { rowsFromAthena: 1, synced: 1 } });
      expect(result.quarantined).toHaveLength(2);
      const data = cloudWatch.commandCalls(PutMetricDataCommand)[0]!.args[0].input.MetricData!;
      expect(data.map((d) => [d.MetricName, d.Value])).toContainEqual(['QuarantinedFiles', 2]);
      expect(fixture.logLines).toContainEqual(
        expect.objectContaining({ msg: 'Unreadable tracking log file quarantined', level: 50 }),
      );
    } finally {
      await analytics.close();
      await fixture.close();
    }
  });
});
