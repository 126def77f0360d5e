import 'reflect-metadata';
import { printResult, startRun, type Figures } from '../support/runInfo';
import { assignCodes } from './assign';
import { CAMPAIGN_ID, MARKETS, REGISTRATION_DAY } from './fanData';
import { ingestRegistrations } from './ingest';
import { mergeDay } from './mergeDay';
import { perSecond, printFigure } from './report';
import { scrubScoredFile } from './scrub';
import { seedBaseline } from './seedBaseline';
import { startBenchService, type BenchService } from './service';

/**
 * npm run bench:fans
 * Fan campaigns through the service's API, embedded engines, the store's durable settings:
 * registrations through POST /ingest/fans beside the seed's way on the first of them, the lake
 * merge of their day, a scored file scrubbed and applied, code assignments by 4 workers.
 * Sizes (env): BENCH_FAN_REGISTRATIONS (1,000,000), BENCH_FAN_BASELINE (50,000),
 * BENCH_FAN_BATCH (10,000 lines), BENCH_FAN_IN_FLIGHT (2 requests), BENCH_FAN_SCORED_ROWS
 * (the registrations), BENCH_FAN_ASSIGNMENTS (200,000, at most 90 % of the registrations),
 * BENCH_FAN_WORKERS (4).
 */
function size(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name}: a positive integer`);
  return value;
}

const sizes = () => {
  const registrations = size('BENCH_FAN_REGISTRATIONS', 1_000_000);
  return {
    registrations,
    baseline: Math.min(registrations, size('BENCH_FAN_BASELINE', 50_000)),
    batchLines: size('BENCH_FAN_BATCH', 10_000),
    inFlight: size('BENCH_FAN_IN_FLIGHT', 2),
    scoredRows: Math.min(registrations, size('BENCH_FAN_SCORED_ROWS', registrations)),
    // the fans the scrub keeps: nine in ten
    assignments: Math.min(Math.floor(registrations * 0.9), size('BENCH_FAN_ASSIGNMENTS', 200_000)),
    workers: size('BENCH_FAN_WORKERS', 4),
  };
};
type Sizes = ReturnType<typeof sizes>;

const n = (value: number) => value.toLocaleString('en-US');

/**
 * A part of the run whose pipeline may be missing or failing: its error is printed and its
 * figures come out null, so the other parts are still measured.
 */
async function phase<T>(name: string, run: () => Promise<T>): Promise<T | null> {
  try {
    return await run();
  } catch (error) {
    console.log(`  ${name}: not measured: ${(error as Error).message.split('\n')[0]!.slice(0, 300)}`);
    return null;
  }
}

async function openCampaign(service: BenchService): Promise<void> {
  await service.fans.campaigns.create({
    id: CAMPAIGN_ID,
    name: 'Benchmark tour',
    artist: 'The Benchmarks',
    scoringType: 'LINEAR',
    markets: MARKETS,
  });
  await service.fans.campaigns.open(CAMPAIGN_ID);
}

async function ingestion(service: BenchService, { registrations, baseline, batchLines, inFlight }: Sizes) {
  const baselinePerSec = perSecond(baseline, await seedBaseline(service.app, baseline));
  const ingest = await ingestRegistrations(service, registrations, batchLines, inFlight);
  const ingestPerSec = perSecond(ingest.accepted, ingest.seconds);
  console.log(
    `  ingestion: ${n(ingest.accepted)} accepted, ${n(ingest.rejected)} rejected; last answer at ` +
      `${ingest.answeredSeconds.toFixed(1)} s, lake buffer flushed at ${ingest.seconds.toFixed(1)} s`,
  );
  printFigure({
    label: 'ingestPerSec',
    value: ingestPerSec,
    unit: 'records/s',
    beside: `seed's way ${n(baselinePerSec)}/s: ${(ingestPerSec / baselinePerSec).toFixed(1)}x`,
    goal: '>= 20,000/s and >= 5x',
    met: ingestPerSec >= 20_000 && ingestPerSec >= 5 * baselinePerSec,
  });
  const merge = await phase('lake merge of the day', () => mergeDay(service, REGISTRATION_DAY));
  if (merge) {
    console.log(
      `  merge of the day (mergeLake, then its move job): ${n(merge.filesBefore)} files -> ${merge.filesAfter} ` +
        `in ${merge.seconds.toFixed(1)} s`,
    );
  }
  printFigure({
    label: 'lakeRecords',
    value: merge?.lakeRecords ?? null,
    unit: 'records',
    beside: `ingested ${n(ingest.ingested)} entries`,
    goal: 'equal',
    met: merge ? merge.lakeRecords === ingest.ingested : null,
  });
  return { ingestPerSec, baselinePerSec, ingested: ingest.ingested, lakeRecords: merge?.lakeRecords ?? null };
}

async function scoring(service: BenchService, { scoredRows }: Sizes) {
  const scrub = await phase('scored file', () => scrubScoredFile(service, scoredRows));
  const scrubRowsPerSec = scrub ? perSecond(scrub.rows, scrub.scrubSeconds) : null;
  const scoreApplyPerSec = scrub ? perSecond(scrub.applied, scrub.applySeconds) : null;
  if (scrub) {
    console.log(
      `  scrub: ${n(scrub.rows)} rows to scrubbed file and stats in ${scrub.scrubSeconds.toFixed(1)} s; ` +
        `kept ${n(Number(scrub.stats.kept))}, dropped ${n(Number(scrub.stats.dropped))} ` +
        `(blacklisted e-mail ${n(Number(scrub.stats.reason_BLACKLISTED_EMAIL))}, ` +
        `domain ${n(Number(scrub.stats.reason_BLACKLISTED_DOMAIN))})`,
    );
    console.log(
      `  RSS growth: scrub ${scrub.scrubPeak.growthMb} MB (process memory ${scrub.scrubPeak.anonGrowthMb} MB, ` +
        `the rest the store's mapped pages); whole job with the apply ${scrub.jobPeak.growthMb} MB ` +
        `(process ${scrub.jobPeak.anonGrowthMb} MB)`,
    );
  }
  printFigure({
    label: 'scrubRowsPerSec',
    value: scrubRowsPerSec,
    unit: 'rows/s',
    goal: '>= 50,000/s',
    met: scrubRowsPerSec === null ? null : scrubRowsPerSec >= 50_000,
  });
  const scrubPeakRssMb = scrub?.scrubPeak.growthMb ?? null;
  printFigure({
    label: 'scrubPeakRssMb',
    value: scrubPeakRssMb,
    unit: 'MB',
    goal: '< 300 MB',
    met: scrubPeakRssMb === null ? null : scrubPeakRssMb < 300,
  });
  printFigure({
    label: 'scoreApplyPerSec',
    value: scoreApplyPerSec,
    unit: 'rows/s',
    beside: scrub ? `${n(scrub.applied)} entries in ${scrub.applySeconds.toFixed(1)} s` : undefined,
    goal: '>= 15,000/s',
    met: scoreApplyPerSec === null ? null : scoreApplyPerSec >= 15_000,
  });
  return { scrubRowsPerSec, scrubPeakRssMb, scoreApplyPerSec };
}

async function assignment(service: BenchService, { assignments, workers }: Sizes) {
  const assign = await phase('code assignment', () => assignCodes(service, assignments, workers));
  const assignPerSec = assign ? perSecond(assign.accepted, assign.seconds) : null;
  if (assign) {
    console.log(
      `  assignment: ${n(assign.accepted)} accepted, ${n(assign.rejected)} rejected by ${workers} workers in ` +
        `${assign.seconds.toFixed(1)} s (${((assign.cpuSeconds * 1e6) / Math.max(1, assign.accepted)).toFixed(0)} µs ` +
        `of CPU each); ${n(assign.entriesWithCode)} entries hold a code`,
    );
  }
  printFigure({
    label: 'assignPerSec',
    value: assignPerSec,
    unit: 'codes/s',
    goal: '>= 10,000/s',
    met: assignPerSec === null ? null : assignPerSec >= 10_000,
  });
  printFigure({
    label: 'duplicateCodes',
    value: assign?.duplicateCodes ?? null,
    unit: 'codes',
    goal: '0',
    met: assign ? assign.duplicateCodes === 0 : null,
  });
  return { assignPerSec, duplicateCodes: assign?.duplicateCodes ?? null };
}

async function main(): Promise<void> {
  const info = startRun();
  const run = sizes();
  console.log(
    `fans bench: ${n(run.registrations)} registrations in batches of ${n(run.batchLines)} lines ` +
      `(${run.inFlight} in flight), the seed's way on the first ${n(run.baseline)}; ${n(run.scoredRows)} scored rows; ` +
      `${n(run.assignments)} code assignments by ${run.workers} workers; node ${process.version}, ` +
      `${info.cpuCount} CPUs, load average ${info.loadAvg}`,
  );
  const service = await startBenchService();
  let figures: Figures;
  try {
    await openCampaign(service);
    figures = await ingestion(service, run);
    Object.assign(figures, await scoring(service, run));
    Object.assign(figures, await assignment(service, run));
  } finally {
    await service.stop();
  }
  printResult(figures);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
