import 'reflect-metadata';
import { fork, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { cpuSecondsOf } from '../waves/serviceChild';
import { printResult, startRun, type Figures } from '../support/runInfo';
import { serviceEnv } from './benchService';
import { BENCH_BU } from './clickData';
import { datasetSizes, ensureDataset } from './dataset';
import { dashboardPages, PAGE_IDS_QUERY, pageIdsOf, type DashboardPage, type PageIds } from './pages';
import { load } from './load';
import type { ChildStart, FromChild, ToChild } from './serviceChild';
import { goalLines, pageTable, type PageResult, type ServiceRun } from './report';

/**
 * npm run bench:dashboard [-- --seconds 5 --connections 50 --scale 1 --data-dir DIR --cpu-prof DIR
 *   --pages home,campaign --cache on,off --settle-seconds 60 --drain-seconds 900 --data-only]
 * What the web dashboard sends (web/src/generated/graphql.ts, its own variables) at 50 connections
 * against the service in a child process on production-scale data, while the service takes in
 * 1,000 click rows/s and 20 lead events/s, beside Apollo hello world measured in the same run;
 * every page with the response cache on, then again with it off (a second service process).
 * BENCH_SCALE (or --scale) shrinks the data set for a quick run; --data-dir keeps it for the next.
 */
interface Options {
  seconds: number;
  connections: number;
  scale: number;
  dataDir: string | null;
  cpuProfDir: string | null;
  pages: string[] | null;
  cacheModes: ('on' | 'off')[];
  settleSeconds: number;
  drainSeconds: number;
  dataOnly: boolean;
}

const root = resolve(__dirname, '../..');
/** The benchmark key's own limits: far above what 50 connections send, so counted but never refused. */
const KEY_LIMITS: ChildStart = { requestsPerMinute: 1_000_000, costPerMinute: 1_000_000_000 };
const LIVE_WRITES = { clickRowsPerSecond: 1_000, leadEventsPerSecond: 20 };

function parseOptions(argv: string[]): Options {
  const text = (name: string) => {
    const index = argv.indexOf(`--${name}`);
    return index >= 0 ? argv[index + 1] : undefined;
  };
  const number = (name: string, fallback: number) => {
    const parsed = Number(text(name) ?? fallback);
    if (!Number.isFinite(parsed) || parsed <= 0) throw new Error(`--${name}: a positive number`);
    return parsed;
  };
  const modes = (text('cache') ?? 'on,off').split(',');
  if (modes.some((mode) => mode !== 'on' && mode !== 'off')) throw new Error('--cache: on, off or on,off');
  return {
    seconds: number('seconds', 5),
    connections: number('connections', 50),
    scale: number('scale', Number(process.env.BENCH_SCALE ?? 1)),
    dataDir: text('data-dir') ?? process.env.BENCH_DASHBOARD_DATA_DIR ?? null,
    cpuProfDir: text('cpu-prof') ?? null,
    pages: text('pages')?.split(',') ?? null,
    cacheModes: modes as Options['cacheModes'],
    settleSeconds: number('settle-seconds', 60),
    drainSeconds: number('drain-seconds', 900),
    dataOnly: argv.includes('--data-only'),
  };
}

/**
 * The service runs with the young generation `npm start` gives it (docs/operations.md). Hello
 * world keeps 32 MB semi-spaces: a process that keeps almost nothing answers more slowly with
 * larger ones, and the baseline is Apollo at its best.
 */
const SERVICE_NODE_OPTIONS = ['--max-semi-space-size=64'];
const HELLO_WORLD_NODE_OPTIONS = ['--max-semi-space-size=32'];

function forkChild(script: string, args: string[], env: Record<string, string>, execArgv: string[]) {
  const child = fork(join(__dirname, script), args, {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    execArgv: [...execArgv, '-r', '@swc-node/register'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return child;
}

function nextMessage<T>(child: ChildProcess, accept: (message: unknown) => message is T): Promise<T> {
  return new Promise((resolveMessage, reject) => {
    const onMessage = (message: unknown) => {
      if (!accept(message)) return;
      child.off('message', onMessage);
      child.off('exit', onExit);
      resolveMessage(message);
    };
    const onExit = (code: number | null) => reject(new Error(`child ${child.pid} exited (${code}) early`));
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

const has =
  <K extends string>(key: K) =>
  (message: unknown): message is Record<K, unknown> & FromChild =>
    typeof message === 'object' && message !== null && key in message;

async function graphql(url: string, key: string, query: string, variables: Record<string, unknown> = {}) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as { data?: unknown; errors?: { message: string }[] };
}

const bodyOf = (page: DashboardPage) => JSON.stringify({ query: page.query, variables: page.variables });

/** Sequential requests of one page, the service otherwise idle: its latency and CPU alone, and a warm-up. */
async function alone(child: ChildProcess, url: string, key: string, page: DashboardPage) {
  const cpuBefore = cpuSecondsOf(child) ?? 0;
  const started = Date.now();
  let requests = 0;
  let errors: string | null = null;
  let slowestMs = 0;
  while (requests < 20 && Date.now() - started < 3000) {
    const sent = Date.now();
    const answer = await graphql(url, key, page.query, page.variables);
    slowestMs = Math.max(slowestMs, Date.now() - sent);
    errors ??= answer.errors ? answer.errors.map((error) => error.message).join('; ') : null;
    requests += 1;
  }
  const cpuMs = ((cpuSecondsOf(child) ?? 0) - cpuBefore) * 1000;
  return { latencyMs: (Date.now() - started) / requests, slowestMs, cpuMs: cpuMs / requests, errors };
}

/**
 * Waits until the service answers `{ __typename }` within 50 ms again, at most `maxSeconds`: a
 * load's last requests outlive the load (the server finishes what the clients gave up on), and
 * must not be counted against the next page. Returns the seconds waited.
 */
async function settled(url: string, key: string, maxSeconds: number): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < maxSeconds * 1000) {
    const sent = Date.now();
    await graphql(url, key, '{ __typename }');
    if (Date.now() - sent < 50) break;
  }
  return (Date.now() - started) / 1000;
}

const QUIET_QUERY = '{ jobs(filter: { status: RUNNING }, first: 1) { totalCount } clickSyncStatus { bu backlog } }';

/**
 * Waits (at most `maxSeconds`) until the service has no job running and no click row of the
 * benchmark's business unit waiting, twice a second apart: a service started on a data directory
 * first finishes what the last run left (click syncs requested, rows not yet processed), and that
 * must not be counted as a page's cost. Returns the seconds waited, or null when the service was
 * still busy at the limit.
 */
async function quiet(url: string, key: string, maxSeconds: number): Promise<number | null> {
  const started = Date.now();
  let quietChecks = 0;
  while (quietChecks < 2) {
    if (Date.now() - started > maxSeconds * 1000) return null;
    const answer = await graphql(url, key, QUIET_QUERY);
    const data = answer.data as
      { jobs: { totalCount: number }; clickSyncStatus: { bu: string; backlog: number | null }[] } | undefined;
    // The demo's business units keep their rows: only the unit the live writes feed is synced.
    const waiting = data?.clickSyncStatus.find((unit) => unit.bu === BENCH_BU)?.backlog ?? 0;
    const busy = !data || data.jobs.totalCount > 0 || waiting > 0;
    quietChecks = busy ? 0 : quietChecks + 1;
    await new Promise((done) => setTimeout(done, 1000));
  }
  return (Date.now() - started) / 1000;
}

/** Where hello world answers: on Express (the reference) and on Apollo's standalone server. */
interface HelloWorldUrls {
  url: string;
  standaloneUrl: string;
}

/** One service process (cache on or off): hello world, then every page, while the data changes. */
async function serviceRun(
  options: Options,
  dataDir: string,
  cache: 'on' | 'off',
  hello: HelloWorldUrls,
  pagesOf: (ids: PageIds) => DashboardPage[],
): Promise<ServiceRun> {
  const cpuProf = options.cpuProfDir
    ? ['--cpu-prof', '--cpu-prof-dir', join(options.cpuProfDir, `cache-${cache}`)]
    : [];
  const child = forkChild(
    'serviceChild.ts',
    [JSON.stringify(KEY_LIMITS)],
    serviceEnv(dataDir, { RESPONSE_CACHE: cache }),
    [...SERVICE_NODE_OPTIONS, ...cpuProf],
  );
  child.on('message', (message: FromChild) => {
    if ('writeError' in message) console.warn(`  live writes: ${message.writeError}`);
  });
  try {
    const { url, key } = (await nextMessage(child, has('ready'))) as { url: string; key: string };
    const answer = await graphql(url, key, PAGE_IDS_QUERY);
    if (answer.errors) throw new Error(`finding the pages' records: ${answer.errors[0]!.message}`);
    const drained = await quiet(url, key, options.drainSeconds);
    console.log(
      drained === null
        ? `  the service was still finishing the last run's work after ${options.drainSeconds} s: measured anyway`
        : `  the service finished the last run's work in ${drained.toFixed(0)} s`,
    );
    const probed = [];
    for (const page of pagesOf(pageIdsOf(answer.data as Parameters<typeof pageIdsOf>[0]))) {
      const probe = await alone(child, url, key, page);
      if (probe.errors) console.warn(`  ${page.name}: ${probe.errors}`);
      probed.push({ page, probe });
    }
    // Cheapest first: a slow page's leftover requests then delay only pages slower still.
    probed.sort((a, b) => a.probe.latencyMs - b.probe.latencyMs);
    child.send({ writes: LIVE_WRITES } satisfies ToChild);
    const headers = { authorization: `Bearer ${key}` };
    const loadOf = (target: string, body: string, seconds: number, withKey: boolean) =>
      load(target, body, withKey ? headers : {}, { seconds, connections: options.connections });
    // Warm-up (not reported): a fresh process first measures the JIT, not the code.
    const helloBody = JSON.stringify({ query: '{ health { status } }' });
    await loadOf(hello.url, helloBody, 2, false);
    // The live writes' own CPU, for reading each page's CPU per request (which includes it).
    await new Promise((done) => setTimeout(done, 2000));
    const idleCpu = cpuSecondsOf(child) ?? 0;
    await new Promise((done) => setTimeout(done, 3000));
    const writesCpuPerSecond = Math.round((((cpuSecondsOf(child) ?? 0) - idleCpu) / 3) * 100) / 100;
    const helloWorld = await loadOf(hello.url, helloBody, options.seconds, false);
    await loadOf(hello.standaloneUrl, helloBody, 2, false);
    const standaloneHelloWorld = await loadOf(hello.standaloneUrl, helloBody, options.seconds, false);
    const results: PageResult[] = [];
    for (const { page, probe } of probed) {
      // The slowest request alone is what a request costs when the data it reads just changed.
      const backlogSeconds = (probe.slowestMs * options.connections) / 1000;
      if (backlogSeconds > options.settleSeconds) {
        // The service would still be answering this load's requests minutes later: not run.
        console.log(
          `  ${page.name}: not loaded (one request alone took up to ${Math.round(probe.slowestMs)} ms; ` +
            `${options.connections} at once would keep the service busy ~${Math.round(backlogSeconds)} s)`,
        );
        results.push({ page, cache, load: null, cpuMsPerRequest: null, alone: probe });
        continue;
      }
      const cpuBefore = cpuSecondsOf(child) ?? 0;
      const measured = await loadOf(url, bodyOf(page), options.seconds, true);
      const cpu = (cpuSecondsOf(child) ?? 0) - cpuBefore;
      const waited = await settled(url, key, options.settleSeconds);
      if (waited >= 1) console.log(`  ${page.name}: the service was busy ${waited.toFixed(0)} s after the load`);
      results.push({
        page,
        cache,
        load: measured,
        cpuMsPerRequest: measured.requests ? (cpu * 1000) / measured.requests : null,
        alone: probe,
      });
    }
    child.send({ stop: true } satisfies ToChild);
    const stopped = (await nextMessage(child, has('stopped'))) as { counts: unknown };
    return {
      helloWorld,
      standaloneHelloWorld,
      pages: results,
      writes: { ...(stopped.counts as object), writesCpuPerSecond },
    };
  } finally {
    if (child.exitCode === null) await new Promise((done) => child.once('exit', done));
  }
}

async function main(): Promise<void> {
  startRun();
  const options = parseOptions(process.argv.slice(2));
  const sizes = datasetSizes(options.scale);
  console.log(
    `dashboard bench: ${options.connections} connections, ${options.seconds} s per page, scale ${options.scale} ${JSON.stringify(sizes)}, node ${process.version}`,
  );
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'bench-dashboard-')));
  if (options.dataDir) await mkdir(dataDir, { recursive: true });
  if (options.cpuProfDir) await mkdir(options.cpuProfDir, { recursive: true });
  const hello = forkChild('helloWorld.ts', [], {}, HELLO_WORLD_NODE_OPTIONS);
  try {
    const prepared = Date.now();
    const dataset = await ensureDataset(dataDir, sizes);
    console.log(`data set ${dataset} in ${dataDir} (${((Date.now() - prepared) / 1000).toFixed(0)} s)`);
    if (options.dataOnly) return;
    const helloUrls = (await nextMessage(hello, has('standaloneUrl'))) as unknown as HelloWorldUrls;
    const pagesOf = (ids: PageIds) =>
      dashboardPages(ids).filter((page) => !options.pages || options.pages.includes(page.name));
    const runs: Partial<Record<'on' | 'off', ServiceRun>> = {};
    for (const cache of options.cacheModes) {
      console.log(`response cache ${cache}: service in a child process, live writes ${JSON.stringify(LIVE_WRITES)}`);
      runs[cache] = await serviceRun(options, dataDir, cache, helloUrls, pagesOf);
      console.log(`  live writes done: ${JSON.stringify(runs[cache].writes)}`);
    }
    for (const line of pageTable(runs)) console.log(line);
    const { lines, figures } = goalLines(runs);
    for (const line of lines) console.log(line);
    printResult(figures satisfies Figures);
  } finally {
    hello.disconnect();
    if (!options.dataDir) await rm(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
