import type { Figures } from '../support/runInfo';
import type { Load } from './load';
import type { DashboardPage } from './pages';
import type { LiveWriteCounts } from './liveWrites';
import type { TransactionHolds } from './transactionHolds';

export interface PageResult {
  page: DashboardPage;
  cache: 'on' | 'off';
  /** Null when the page was too slow to load at all (its requests would outlive the run). */
  load: Load | null;
  /** The service process's CPU during the load per answered request, the live writes' included. */
  cpuMsPerRequest: number | null;
  /** The same page asked by one client at a time before the load, the live writes not yet running. */
  alone: { latencyMs: number; slowestMs: number; cpuMs: number };
}

/** One service process's measurements: hello world beside it, then every page. */
export interface ServiceRun {
  helloWorld: Load;
  /** Apollo's standalone server with the same schema: for reading the shares against Apollo at its leanest too. */
  standaloneHelloWorld: Load;
  pages: PageResult[];
  /** What the live writes did meanwhile, with the store's write transactions of the run. */
  writes: Record<string, unknown> & { transactionHolds?: TransactionHolds | null };
}

export type Runs = Partial<Record<'on' | 'off', ServiceRun>>;

/**
 * The goals of issue 19: cached pages at half of hello world, p99 within 100 ms, no errors;
 * uncached at a fifth; no write transaction holding the event loop over 20 ms meanwhile.
 */
export const GOALS = { ratio: 0.5, p99Ms: 100, uncachedRatio: 0.2, transactionMs: 20 } as const;

const round = (value: number, digits = 0) => Math.round(value * 10 ** digits) / 10 ** digits;
const pad = (value: string | number, width: number) => String(value).padStart(width);

export function pageTable(runs: Runs): string[] {
  const lines = [
    `${'page'.padEnd(14)} ${'cache'.padEnd(5)} ${pad('req/s', 8)} ${pad('p50 ms', 7)} ${pad('p99 ms', 7)} ${pad('errors', 7)} ${pad('of hello', 9)} ${pad('CPU ms/req', 11)} ${pad('alone: ms', 10)} ${pad('CPU ms', 7)}`,
  ];
  for (const [cache, run] of Object.entries(runs)) {
    if (!run) continue;
    lines.push(
      `${'hello world'.padEnd(14)} ${cache.padEnd(5)} ${pad(Math.round(run.helloWorld.rps), 8)} ${pad(run.helloWorld.p50Ms, 7)} ${pad(run.helloWorld.p99Ms, 7)} ${pad(run.helloWorld.errors, 7)} ${pad('100%', 9)}`,
    );
    const standalone = run.standaloneHelloWorld;
    lines.push(
      `${'  standalone'.padEnd(14)} ${cache.padEnd(5)} ${pad(Math.round(standalone.rps), 8)} ${pad(standalone.p50Ms, 7)} ${pad(standalone.p99Ms, 7)} ${pad(standalone.errors, 7)} ${pad(`${round((standalone.rps / run.helloWorld.rps) * 100, 1)}%`, 9)}`,
    );
  }
  const names = [...new Set(Object.values(runs).flatMap((run) => run?.pages.map((result) => result.page.name) ?? []))];
  for (const name of names) {
    for (const run of Object.values(runs)) {
      const result = run?.pages.find((candidate) => candidate.page.name === name);
      if (!run || !result) continue;
      const { load, alone } = result;
      const measured = load
        ? `${pad(Math.round(load.rps), 8)} ${pad(load.p50Ms, 7)} ${pad(load.p99Ms, 7)} ${pad(load.errors, 7)} ${pad(`${round((load.rps / run.helloWorld.rps) * 100, 1)}%`, 9)}`
        : `${pad('not loaded', 8 + 7 + 7 + 7 + 9 + 4)}`;
      lines.push(
        `${name.padEnd(14)} ${result.cache.padEnd(5)} ${measured} ${pad(result.cpuMsPerRequest === null ? '-' : round(result.cpuMsPerRequest, 2), 11)} ${pad(round(alone.latencyMs, 1), 10)} ${pad(round(alone.cpuMs, 1), 7)}`,
      );
    }
  }
  return lines;
}

const verdict = (met: boolean) => (met ? 'met' : 'MISSED');

/** A loaded page's req/s; for one too slow to load, the rate of one client asking it alone. */
const rpsOf = (load: Load | null, alone: PageResult['alone']) => load?.rps ?? 1000 / alone.latencyMs;

/** A met/MISSED line per goal and page, and the figures of the last line. */
export function goalLines(runs: Runs): { lines: string[]; figures: Figures } {
  const figures: Figures = {};
  const lines: string[] = ['goals:'];
  const cached = runs.on;
  const uncached = runs.off;
  if (cached) {
    figures.helloWorldRps = Math.round(cached.helloWorld.rps);
    let worst = Infinity;
    for (const { page, load, cpuMsPerRequest, alone } of cached.pages) {
      const rps = rpsOf(load, alone);
      const ratio = rps / cached.helloWorld.rps;
      worst = Math.min(worst, ratio);
      figures[`${page.name}Rps`] = round(rps, 1);
      figures[`${page.name}P99Ms`] = load?.p99Ms ?? null;
      figures[`${page.name}Errors`] = load?.errors ?? null;
      figures[`${page.name}CpuMs`] = cpuMsPerRequest === null ? null : round(cpuMsPerRequest, 2);
      figures[`${page.name}AloneCpuMs`] = round(alone.cpuMs, 1);
      lines.push(
        load
          ? `  ${page.name.padEnd(14)} cache on:  ${verdict(ratio >= GOALS.ratio)} >= ${GOALS.ratio * 100}% of hello world (${round(ratio * 100, 1)}%), ` +
              `${verdict(load.p99Ms <= GOALS.p99Ms)} p99 <= ${GOALS.p99Ms} ms (${load.p99Ms}), ${verdict(load.errors === 0)} no errors (${load.errors})`
          : `  ${page.name.padEnd(14)} cache on:  MISSED: not loaded, ${round(rps, 1)} req/s one at a time (${round(ratio * 100, 2)}% of hello world)`,
      );
    }
    figures.worstRatio = round(worst, 3);
    figures.standaloneHelloWorldRps = Math.round(cached.standaloneHelloWorld.rps);
    figures.worstStandaloneRatio = round((worst * cached.helloWorld.rps) / cached.standaloneHelloWorld.rps, 3);
  }
  if (uncached) {
    figures.helloWorldUncachedRunRps = Math.round(uncached.helloWorld.rps);
    let worst = Infinity;
    for (const { page, load, cpuMsPerRequest, alone } of uncached.pages) {
      const rps = rpsOf(load, alone);
      const ratio = rps / uncached.helloWorld.rps;
      worst = Math.min(worst, ratio);
      figures[`${page.name}UncachedRps`] = round(rps, 1);
      figures[`${page.name}UncachedP99Ms`] = load?.p99Ms ?? null;
      figures[`${page.name}UncachedCpuMs`] = cpuMsPerRequest === null ? null : round(cpuMsPerRequest, 2);
      figures[`${page.name}UncachedAloneCpuMs`] = round(alone.cpuMs, 1);
      lines.push(
        `  ${page.name.padEnd(14)} cache off: ${verdict(load !== null && ratio >= GOALS.uncachedRatio)} >= ${GOALS.uncachedRatio * 100}% of hello world (${round(ratio * 100, 2)}%${load ? '' : ', not loaded: one at a time'})`,
      );
    }
    figures.worstUncachedRatio = round(worst, 3);
    figures.standaloneHelloWorldUncachedRunRps = Math.round(uncached.standaloneHelloWorld.rps);
    figures.worstUncachedStandaloneRatio = round(
      (worst * uncached.helloWorld.rps) / uncached.standaloneHelloWorld.rps,
      3,
    );
  }
  for (const [cache, key] of [
    ['on', 'worstStandaloneRatio'],
    ['off', 'worstUncachedStandaloneRatio'],
  ] as const) {
    if (figures[key] === undefined) continue;
    lines.push(
      `  against Apollo's standalone server instead (information, not a goal): the slowest page cache ${cache} at ${round(Number(figures[key]) * 100, 1)}% of it`,
    );
  }
  for (const [cache, run] of Object.entries(runs)) {
    const writes = run?.writes as Partial<LiveWriteCounts> | undefined;
    if (writes?.clickRowsProcessed === undefined) continue;
    const suffix = cache === 'on' ? '' : 'Uncached';
    figures[`liveClickRows${suffix}`] = writes.clickRows ?? null;
    figures[`liveClickRowsProcessed${suffix}`] = writes.clickRowsProcessed;
    lines.push(
      `  live writes, cache ${cache}: ${writes.clickRows} click rows appended, ${writes.clickRowsProcessed} processed meanwhile, ` +
        `${writes.clickBacklogAtStop} waiting at the end; ${writes.leadsUploaded} leads uploaded, ${writes.leadsAnswered} answered`,
    );
  }
  const holds = Object.values(runs).flatMap((run) =>
    run?.writes.transactionHolds ? [run.writes.transactionHolds] : [],
  );
  if (holds.length > 0) {
    const longest = holds.reduce((a, b) => (b.longestMs > a.longestMs ? b : a));
    const over: Record<string, number> = {};
    for (const { over20MsBy } of holds) {
      for (const [collection, count] of Object.entries(over20MsBy)) over[collection] = (over[collection] ?? 0) + count;
    }
    figures.writeTransactions = holds.reduce((sum, run) => sum + run.transactions, 0);
    figures.writeTransactionsOver20Ms = holds.reduce((sum, run) => sum + run.over20Ms, 0);
    figures.longestWriteTransactionMs = longest.longestMs;
    figures.writerThreadTransactions = holds.reduce((sum, run) => sum + run.writerTransactions, 0);
    figures.writerThreadLongestMs = Math.max(...holds.map((run) => run.writerLongestMs));
    const by = Object.entries(over)
      .sort((a, b) => b[1] - a[1])
      .map(([collection, count]) => `${collection} ${count}`)
      .join(', ');
    lines.push(
      `  write transactions: ${verdict(figures.writeTransactionsOver20Ms === 0)} none holds the event loop over ${GOALS.transactionMs} ms ` +
        `(${figures.writeTransactionsOver20Ms} of ${figures.writeTransactions} on the event loop, the longest ${longest.longestMs} ms: ${longest.longestCollection ?? '-'}` +
        `${by ? `; over ${GOALS.transactionMs} ms by longest write: ${by}` : ''}; ` +
        `${figures.writerThreadTransactions} on the store's writer thread, the longest ${figures.writerThreadLongestMs} ms)`,
    );
  }
  return { lines, figures };
}
