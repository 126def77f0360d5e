import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { openStore, type Store } from '../../src/datasources/store';
import { applyIndexes } from '../../src/datasources/store/indexes';
import { loadConfig } from '../../src/config';
import { trackingIndexes } from '../../src/services/tracking/indexes';
import { createLogger } from '../../src/logger';
import { DEFAULT_PUBLICATION_CODES } from '../../src/services/tracking/publicationCodes';
import { syncTracking } from '../../src/services/tracking/syncTracking';
import { aggregateRows, memoryAnalytics, writeOrders } from './dataset';
import { seedHandlerLoop } from './seedHandler';
import { printResult, startRun } from '../support/runInfo';

/**
 * Tracking sync against the seed's row-at-a-time handler, on the embedded store, same data.
 *   node -r @swc-node/register bench/tracking/syncTracking.bench.ts [--rows 1000000] [--orders 2000]
 *     [--baseline-rows 10000] [--batch <TRACKING_SYNC_BATCH_SIZE's default>]
 * Rows come from an in-memory analytics port (the same rows DuckDB's daily_aggregates would
 * give), so both sides measure look-ups and writes only. The baseline runs on the first
 * --baseline-rows rows (it is slow); its rate is what is compared.
 */
function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

const TRACKING = new Set(['performance_entries', 'tracking_scripts', 'publication_insertion_orders', 'publications']);

async function freshStore(orders: number): Promise<{ store: Store; dir: string }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'bench-tracking-'));
  const store = await openStore({ dataDir: dir, dbName: 'bench', ledger: 'transactions' });
  await applyIndexes(
    store.db,
    trackingIndexes.filter((i) => TRACKING.has(i.collection)),
  );
  await writeOrders(store.db, orders);
  return { store, dir };
}

/** Wall and CPU seconds of a run: the machine is shared, so rows per CPU-second compare better. */
async function measure<T>(run: () => Promise<T>): Promise<{ result: T; seconds: number; cpuSeconds: number }> {
  const started = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  const result = await run();
  const used = process.cpuUsage(cpu);
  return {
    result,
    seconds: Number(process.hrtime.bigint() - started) / 1e9,
    cpuSeconds: (used.user + used.system) / 1e6,
  };
}

const perCpu = (rows: number, run: { cpuSeconds: number }) =>
  `${Math.round(rows / run.cpuSeconds)} rows per CPU-second`;

async function main() {
  startRun();
  const rowCount = flag('rows', 1_000_000);
  const orders = flag('orders', 2_000);
  const baselineRows = Math.min(flag('baseline-rows', 10_000), rowCount);
  const batchSize = flag('batch', loadConfig({}).TRACKING_SYNC_BATCH_SIZE);
  const rows = aggregateRows(orders, rowCount);
  console.log(
    `tracking sync bench: ${rows.length} daily_aggregates rows, ${orders} orders, embedded store, node ${process.version}`,
  );

  const base = await freshStore(orders);
  const baseline = await measure(() => seedHandlerLoop(base.store.db, rows.slice(0, baselineRows)));
  await base.store.close();
  await rm(base.dir, { recursive: true, force: true });

  const ours = await freshStore(orders);
  ours.store.ledger!.take();
  const sync = await measure(() =>
    syncTracking(
      { date: String(rows.at(-1)!.report_date), days: 366 },
      {
        db: ours.store.db,
        analytics: memoryAnalytics(rows),
        logger: createLogger({ level: 'silent' }),
        publicationCodes: DEFAULT_PUBLICATION_CODES,
        batchSize,
      },
    ),
  );
  const ledger = ours.store.ledger!.take();
  const entries = await ours.store.db.collection('performance_entries').countDocuments({});
  await ours.store.close();
  await rm(ours.dir, { recursive: true, force: true });

  const baselineRate = baselineRows / baseline.seconds;
  const syncRate = rows.length / sync.seconds;
  console.log(
    `baseline (seed handler loop): ${baselineRows} rows in ${baseline.seconds.toFixed(2)} s = ${Math.round(baselineRate)} rows/s, ${perCpu(baselineRows, baseline)} ${JSON.stringify(baseline.result)}`,
  );
  console.log(
    `syncTracking (batch ${batchSize}): ${rows.length} rows in ${sync.seconds.toFixed(2)} s = ${Math.round(syncRate)} rows/s, ${perCpu(rows.length, sync)} ${JSON.stringify(sync.result.stats)}, ${entries} entries`,
  );
  console.log(
    `  write transactions of the sync: ${ledger.commits}, longest ${ledger.longestTransactionMs.toFixed(1)} ms of main thread (ms by collection: ${JSON.stringify(Object.fromEntries(Object.entries(ledger.longestTransactionBy).map(([name, ms]) => [name, Math.round(ms * 10) / 10])))}), ${ledger.transactionsOver20Ms} over 20 ms`,
  );
  console.log(`ratio: ${(syncRate / baselineRate).toFixed(1)}x (targets: >= 20000 rows/s and >= 10x)`);
  printResult({
    rowsPerSec: Math.round(syncRate),
    baselinePerSec: Math.round(baselineRate),
    ratio: Math.round((syncRate / baselineRate) * 10) / 10,
    rowsPerCpuSec: Math.round(rows.length / sync.cpuSeconds),
    baselinePerCpuSec: Math.round(baselineRows / baseline.cpuSeconds),
    entries,
    longestTransactionMs: Math.round(ledger.longestTransactionMs * 10) / 10,
    transactionsOver20Ms: ledger.transactionsOver20Ms,
    commits: ledger.commits,
  });
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
