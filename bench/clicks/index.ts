import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config';
import { createQueuePort } from '../../src/datasources/queue';
import { createSfmcPort } from '../../src/datasources/sfmc';
import { openStore, type Db } from '../../src/datasources/store';
import { applyFeatureIndexes } from '../../src/features';
import { createLogger } from '../../src/logger';
import { CLICK_EVENTS } from '../../src/services/clicks/clickModels';
import { createClickPipeline } from '../../src/services/clicks/pipeline';
import { runClickSync } from '../../src/services/clicks/runClickSync';
import { BASELINE_PREFIX, createBaselineIndexes, runBaseline } from './baseline';
import { benchClickRows, type BenchRowsOptions } from './clickRows';
import { printResult, startRun, type Figures } from '../support/runInfo';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { bytesWritten, mainThreadCpuSeconds, printLedger } from './ledger';
import { startStageProfile } from './stageProfile';

/**
 * npm run bench:clicks [-- --rows 1000000 --baseline-rows 50000]
 * Click rows through loader, processor and acknowledger on the embedded store, queue and local
 * Marketing Cloud, against the seed's one-row-at-a-time $inc/$addToSet way on a sample of the
 * same rows in the same run.
 */
function flag(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
}

const rate = (rows: number, seconds: number) => Math.round(rows / seconds).toLocaleString('en-US');

/** Processor time (user + system) of this process since `since`, in seconds. */
const cpuSeconds = (since: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1e6;
};

async function fill(
  append: (rows: Parameters<NonNullable<ReturnType<typeof createSfmcPort>['appendRows']>>[1]) => Promise<number>,
  total: number,
  options: BenchRowsOptions,
) {
  const tally = { distinctIds: 0 };
  const started = Date.now();
  for (const chunk of benchClickRows(total, 10_000, options, tally)) await append(chunk);
  return { ...tally, seconds: (Date.now() - started) / 1000 };
}

/**
 * The part of RSS that is mapped file pages, on Linux: LMDB's memory map of the store, which
 * the kernel can drop at will, unlike the process's own memory.
 */
function fileBackedRss(): string {
  try {
    const status = readFileSync('/proc/self/status', 'utf8');
    const kib = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN);
    return `file-backed ${Math.round(kib('RssFile') / 1024)} MiB, anonymous ${Math.round(kib('RssAnon') / 1024)} MiB`;
  } catch {
    return 'file-backed share unknown on this platform';
  }
}

async function sumOfN(db: Db, collection: string, bu: string): Promise<number> {
  const [row] = await db
    .collection(collection)
    .aggregate<{ total: number }>([{ $match: { bu } }, { $group: { _id: null, total: { $sum: '$n' } } }])
    .toArray();
  return row?.total ?? 0;
}

async function main(): Promise<void> {
  startRun();
  const total = flag('rows', 1_000_000);
  const sample = flag('baseline-rows', 50_000);
  const dataDir = await mkdtemp(join(tmpdir(), 'bench-clicks-'));
  const store = await openStore({ dataDir, dbName: 'bench', ledger: true });
  let figures: Figures;
  try {
    await applyFeatureIndexes(store.db);
    await createBaselineIndexes(store.db);
    const config = loadConfig({ QUEUE_POLL_INTERVAL_MS: '10', SFMC_BACKEND: 'local' });
    const queue = createQueuePort(config, store.db);
    const sfmc = createSfmcPort(config, store.db);
    const deps = createClickPipeline({
      db: store.db,
      sfmc,
      queue,
      logger: createLogger({ level: 'error' }),
      timeZone: 'America/Chicago',
      writeRows: flag('write-rows', 5000),
    });
    const shape: BenchRowsOptions = {
      sends: 40,
      linksPerSend: 12,
      subscribers: 250_000,
      days: 30,
      redelivered: 0.02,
      seed: 7,
    };
    console.log(
      `clicks bench: ${total.toLocaleString('en-US')} rows (baseline sample ${sample.toLocaleString('en-US')}), embedded store/queue/Marketing Cloud in ${dataDir}`,
    );

    const filled = await fill((rows) => sfmc.appendRows!('Bench', rows), total, shape);
    console.log(
      `  import into the local data extension: ${filled.seconds.toFixed(1)} s (${rate(total, filled.seconds)} rows/s, not part of the figures below)`,
    );
    const unit = (await sfmc.businessUnit('Bench'))!;
    store.ledger!.take();
    const stopProfile = await startStageProfile();
    const written = bytesWritten();
    const mainCpu = mainThreadCpuSeconds();
    const loopDelay = monitorEventLoopDelay({ resolution: 10 });
    loopDelay.enable();
    const pipelineCpu = process.cpuUsage();
    const summary = await runClickSync(deps, unit, { concurrency: 2 });
    const pipelineCpuSeconds = cpuSeconds(pipelineCpu);
    const mainCpuSeconds = mainCpu === null ? null : mainThreadCpuSeconds()! - mainCpu;
    loopDelay.disable();
    const diskBytes = written === null ? null : bytesWritten()! - written;
    const ledgerCounts = store.ledger!.take();
    const profile = await stopProfile();
    const counted = await sumOfN(store.db, CLICK_EVENTS, 'Bench');
    const endToEnd = total / summary.seconds;
    console.log(
      `  pipeline end to end (load -> clicks-to-process -> process -> clicks-processed -> acknowledge): ${summary.seconds.toFixed(1)} s, ${rate(total, summary.seconds)} events/s; CPU ${pipelineCpuSeconds.toFixed(1)} s, ${rate(total, pipelineCpuSeconds)} events per CPU-second, ${((pipelineCpuSeconds * 1e6) / total).toFixed(1)} CPU ms per 1,000 rows`,
    );
    console.log(
      `    rows ${summary.rows}, rejected ${summary.rejected}, event keys written ${summary.eventKeys}, acknowledged ${summary.acknowledged}, backlog ${summary.backlog}`,
    );
    console.log(
      `    sum of n ${counted} vs distinct valid event ids ${filled.distinctIds}: ${counted === filled.distinctIds ? 'exact' : 'MISMATCH'}`,
    );
    const ledger = printLedger(
      total,
      ledgerCounts,
      profile,
      pipelineCpuSeconds,
      mainCpuSeconds,
      diskBytes,
      loopDelay.max / 1e6,
    );

    const baselineFill = await fill((rows) => sfmc.appendRows!('Baseline', rows), sample, shape);
    const baselineCpu = process.cpuUsage();
    const baseline = await runBaseline(store.db, 'Baseline', deps.calendar);
    const baselineCpuSeconds = cpuSeconds(baselineCpu);
    const baselineRate = baseline.rows / baseline.seconds;
    const baselineCounted = await sumOfN(store.db, `${BASELINE_PREFIX}email_click_events`, 'Baseline');
    console.log(
      `  baseline, one row at a time ($inc/$addToSet, per-row upserts and acknowledgement), first ${sample.toLocaleString('en-US')} of the same rows: ${baseline.seconds.toFixed(1)} s, ${rate(baseline.rows, baseline.seconds)} events/s; CPU ${baselineCpuSeconds.toFixed(1)} s, ${rate(baseline.rows, baselineCpuSeconds)} events per CPU-second`,
    );
    console.log(
      `    sum of n ${baselineCounted} vs distinct valid event ids ${baselineFill.distinctIds} (redelivered rows counted twice by $inc)`,
    );
    const perCpu = total / pipelineCpuSeconds / (baseline.rows / baselineCpuSeconds);
    console.log(
      `  pipeline / baseline: ${(endToEnd / baselineRate).toFixed(1)}x wall, ${perCpu.toFixed(1)}x per CPU-second   (targets: >= 20,000 events/s, >= 5x)`,
    );
    const memory = process.memoryUsage();
    const peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
    console.log(
      `  memory: rss ${Math.round(memory.rss / 2 ** 20)} MiB (${fileBackedRss()}), peak ${peakRssMb} MiB, heap used ${Math.round(memory.heapUsed / 2 ** 20)} MiB`,
    );
    await queue.close();
    figures = {
      eventsPerSec: Math.round(endToEnd),
      eventsPerCpuSec: Math.round(total / pipelineCpuSeconds),
      baselinePerSec: Math.round(baselineRate),
      baselinePerCpuSec: Math.round(baseline.rows / baselineCpuSeconds),
      ratio: Math.round((endToEnd / baselineRate) * 10) / 10,
      ratioPerCpu: Math.round(perCpu * 10) / 10,
      exact: counted === filled.distinctIds,
      cpuMsPer1000: Math.round((pipelineCpuSeconds * 1e7) / total) / 10,
      peakRssMb,
      ...ledger,
      rssMb: Math.round(memory.rss / 2 ** 20),
      heapUsedMb: Math.round(memory.heapUsed / 2 ** 20),
    };
  } finally {
    await store.close();
    await rm(dataDir, { recursive: true, force: true });
  }
  printResult(figures);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
