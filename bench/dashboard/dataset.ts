import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadConfig } from '../../src/config';
import type { AnalyticsRow } from '../../src/datasources/analytics/port';
import { campaignsFeature } from '../../src/features/campaigns';
import { clicksFeature } from '../../src/features/clicks';
import { fansFeature } from '../../src/features/fans';
import { trackingFeature } from '../../src/features/tracking';
import { JOBS } from '../../src/jobs/jobStore';
import { createService, type Service } from '../../src/main';
import { runClickSync } from '../../src/services/clicks/runClickSync';
import { writeFanDemo } from '../../src/services/fans/demo';
import { DEFAULT_PUBLICATION_CODES } from '../../src/services/tracking/publicationCodes';
import { syncTracking } from '../../src/services/tracking/syncTracking';
import { aggregateRows, memoryAnalytics, writeOrders } from '../tracking/dataset';
import { servicesOf, serviceEnv } from './benchService';
import { writeCampaigns } from './campaignData';
import { BENCH_BU, pastClickRows } from './clickData';

/** How much data the benchmark's store holds; `datasetSizes(1)` is production scale. */
export interface DatasetSizes {
  campaigns: number;
  members: number;
  sentCampaigns: number;
  clickEvents: number;
  performanceEntries: number;
  fanEntries: number;
}

export function datasetSizes(scale: number): DatasetSizes {
  const scaled = (full: number, least: number) => Math.max(least, Math.round(full * scale));
  return {
    campaigns: scaled(200, 10),
    members: scaled(100_000, 500),
    sentCampaigns: scaled(20, 3),
    clickEvents: scaled(1_000_000, 2_000),
    performanceEntries: scaled(1_000_000, 2_000),
    fanEntries: scaled(1_000_000, 1_000),
  };
}

/** Written last, so a directory holding it holds the whole data set of these sizes. */
const MARKER = 'bench-dashboard-dataset.json';
const TRACKING_ORDERS = 2_000;
const DAY_MS = 86_400_000;

/** The tracking sync's rows, their days moved so the last one is yesterday (the pages ask for recent days). */
function recentAggregateRows(entries: number): { rows: AnalyticsRow[]; lastDay: string; days: number } {
  const rows = aggregateRows(Math.min(TRACKING_ORDERS, Math.ceil(entries / 50)), entries);
  const first = Date.parse(`${String(rows[0]!.report_date)}T00:00:00Z`);
  const last = Date.parse(`${String(rows.at(-1)!.report_date)}T00:00:00Z`);
  const today = Math.floor(Date.now() / DAY_MS) * DAY_MS;
  const shift = today - DAY_MS - last;
  for (const row of rows) {
    row.report_date = new Date(Date.parse(`${String(row.report_date)}T00:00:00Z`) + shift).toISOString().slice(0, 10);
  }
  return { rows, lastDay: new Date(last + shift).toISOString().slice(0, 10), days: (last - first) / DAY_MS + 1 };
}

async function writeTracking(service: Service, entries: number): Promise<void> {
  const { db, logger } = service.app;
  await writeOrders(db, Math.min(TRACKING_ORDERS, Math.ceil(entries / 50)));
  const { rows, lastDay, days } = recentAggregateRows(entries);
  await syncTracking(
    { date: lastDay, days },
    {
      db,
      analytics: memoryAnalytics(rows),
      logger,
      publicationCodes: DEFAULT_PUBLICATION_CODES,
      batchSize: 1_000,
      rollups: servicesOf(service, trackingFeature).rollups,
    },
  );
}

async function writeClicks(service: Service, events: number): Promise<void> {
  const { pipeline } = servicesOf(service, clicksFeature);
  for (const rows of pastClickRows(events, 30, new Date())) await pipeline.sfmc.appendRows!(BENCH_BU, rows);
  const unit = await pipeline.sfmc.businessUnit(BENCH_BU);
  await runClickSync(pipeline, unit!, { concurrency: 2 });
}

/** Waits until no job is due or running (the demos' uploads are taken in by jobs; the demo wave waits for its time). */
async function jobsSettled(service: Service, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const jobs = service.app.db.collection(JOBS);
  for (;;) {
    const pending = await jobs.countDocuments({
      $or: [{ status: 'RUNNING' }, { status: 'QUEUED', runAt: { $lte: new Date() } }],
    });
    if (pending === 0) return;
    if (Date.now() > deadline) throw new Error(`${pending} jobs still pending after ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

type Log = (line: string) => void;

async function timed(log: Log, label: string, step: () => Promise<void>): Promise<void> {
  const started = Date.now();
  await step();
  log(`  dataset: ${label} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/**
 * Fills `dataDir` with every domain's demo data and the benchmark's volumes, written through
 * the services (the same writers the pipelines use, so the kept figures exist), by the service
 * itself with its job workers on. A directory already holding a data set of the same sizes is
 * kept as it is.
 */
export async function ensureDataset(
  dataDir: string,
  sizes: DatasetSizes,
  log: Log = console.log,
): Promise<'reused' | 'written'> {
  const marker = join(dataDir, MARKER);
  if (existsSync(marker)) {
    const written = JSON.parse(await readFile(marker, 'utf8')) as DatasetSizes;
    if (JSON.stringify(written) === JSON.stringify(sizes)) return 'reused';
    throw new Error(`${dataDir} holds a data set of other sizes (${JSON.stringify(written)}): use another directory`);
  }
  const service = await createService(loadConfig(serviceEnv(dataDir, { LOG_LEVEL: 'error' })));
  await service.start();
  try {
    for (const { feature, services } of service.features) {
      if (feature === fansFeature) {
        await timed(log, `fans demo, ${sizes.fanEntries} fan entries`, () =>
          writeFanDemo(servicesOf(service, fansFeature), sizes.fanEntries, service.app.logger),
        );
      } else if (feature.demo) {
        await timed(log, `${feature.name} demo`, () => feature.demo!(service.app, services));
      }
    }
    await timed(log, `${sizes.campaigns} campaigns, ${sizes.members} members`, () =>
      writeCampaigns(servicesOf(service, campaignsFeature).sending, sizes, service.app.logger),
    );
    await timed(log, `${sizes.performanceEntries} performance entries`, () =>
      writeTracking(service, sizes.performanceEntries),
    );
    await timed(log, `${sizes.clickEvents} click rows`, () => writeClicks(service, sizes.clickEvents));
    await timed(log, 'jobs settled', () => jobsSettled(service, 15 * 60_000));
  } finally {
    await service.stop();
  }
  await writeFile(marker, JSON.stringify(sizes));
  return 'written';
}
