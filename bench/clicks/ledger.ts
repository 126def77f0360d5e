import { readFileSync } from 'node:fs';
import type { LedgerCounts } from '../../src/datasources/store';
import type { StageProfile } from './stageProfile';

/** Bytes this process has passed to write(2) and friends (Linux), or null elsewhere. */
export function bytesWritten(): number | null {
  try {
    return Number(/wchar:\s+(\d+)/.exec(readFileSync('/proc/self/io', 'utf8'))?.[1] ?? NaN);
  } catch {
    return null;
  }
}

/** CPU seconds of this process's main thread (Linux: its task's utime + stime), or null elsewhere. */
export function mainThreadCpuSeconds(): number | null {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of stat, in clock ticks (100 per second on Linux).
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

const perRow = (value: number, rows: number, digits = 2) => (value / rows).toFixed(digits);

/**
 * The click pipeline's cost per row: what it asked of LMDB (puts, in key order or not, gets,
 * bytes, commits), where the main thread's time went by stage and by kind of work, and the time
 * inside write transactions by collection.
 */
export function printLedger(
  rows: number,
  counts: LedgerCounts,
  profile: StageProfile,
  cpuSeconds: number,
  mainCpuSeconds: number | null,
  diskBytes: number | null,
  eventLoopMaxMs: number,
): Record<string, number> {
  const { docs, index, oplog, meta } = counts.tables;
  const tables = { docs, index, oplog, meta };
  const puts = docs.puts + index.puts + oplog.puts + meta.puts;
  const inOrder = docs.putsInKeyOrder + index.putsInKeyOrder + oplog.putsInKeyOrder + meta.putsInKeyOrder;
  const gets = docs.gets + index.gets + oplog.gets + meta.gets;
  const bytesPut = docs.bytesPut + index.bytesPut + oplog.bytesPut + meta.bytesPut;
  console.log('  ledger per row (LMDB work asked by this process during the pipeline):');
  console.log(
    `    puts ${perRow(puts, rows)} (${perRow(inOrder, rows)} in key order), removes ${perRow(
      docs.removes + index.removes + oplog.removes,
      rows,
    )}, gets ${perRow(gets, rows)}, range reads ${perRow(docs.ranges + index.ranges + oplog.ranges, rows)}`,
  );
  for (const [name, table] of Object.entries(tables)) {
    console.log(
      `      ${name.padEnd(6)} puts ${perRow(table.puts, rows)} (in key order ${perRow(table.putsInKeyOrder, rows)}), removes ${perRow(table.removes, rows)}, gets ${perRow(table.gets, rows)}, bytes put ${perRow(table.bytesPut, rows, 0)}`,
    );
  }
  console.log(
    `    bytes put ${perRow(bytesPut, rows, 0)}; written to files (wchar) ${diskBytes === null ? 'unknown' : perRow(diskBytes, rows, 0)}; commits per 10,000 rows ${perRow(counts.commits * 10_000, rows, 1)}`,
  );
  console.log(
    `    longest transaction ${counts.longestTransactionMs.toFixed(1)} ms of main thread (${Object.entries(
      counts.longestTransactionBy,
    )
      .sort((a, b) => b[1] - a[1])
      .slice(0, 3)
      .map(([collection, ms]) => `${collection} ${ms.toFixed(1)}`)
      .join(
        ', ',
      )}), ${counts.transactionsOver20Ms} of ${counts.commits} over 20 ms; event loop delay max ${eventLoopMaxMs.toFixed(0)} ms`,
  );
  const cpuMicros = (cpuSeconds * 1e6) / rows;
  // Samples are spaced in wall time: their shares, applied to the main thread's CPU time, give
  // each stage's CPU whatever else ran on the machine.
  const mainMicros = mainCpuSeconds === null ? (profile.busyMs * 1000) / rows : (mainCpuSeconds * 1e6) / rows;
  const micros = (ms: number) => ((ms / profile.busyMs) * mainMicros).toFixed(1);
  console.log(
    `  CPU per row: ${cpuMicros.toFixed(1)} µs (process), main thread ${mainMicros.toFixed(1)} µs, other threads (LMDB commits, GC helpers) ${(cpuMicros - mainMicros).toFixed(1)} µs`,
  );
  const sorted = (entries: Iterable<[string, number]>) => [...entries].sort((a, b) => b[1] - a[1]);
  console.log(
    `    main thread by stage (µs/row): ${sorted(profile.stages)
      .map(([stage, ms]) => `${stage} ${micros(ms)}`)
      .join(', ')}`,
  );
  console.log(
    `    main thread by kind of work (µs/row): ${sorted(profile.kinds)
      .map(([kind, ms]) => `${kind} ${micros(ms)}`)
      .join(', ')}`,
  );
  const inTransactions = Object.values(counts.transactionMicros).reduce((sum, us) => sum + us, 0);
  console.log(
    `    inside write transactions ${(inTransactions / rows).toFixed(1)} µs/row: ${sorted(
      Object.entries(counts.transactionMicros),
    )
      .map(([collection, us]) => `${collection} ${(us / rows).toFixed(1)}`)
      .join(', ')}`,
  );
  return {
    putsPerRow: Number(perRow(puts, rows)),
    putsInKeyOrderPerRow: Number(perRow(inOrder, rows)),
    getsPerRow: Number(perRow(gets, rows)),
    bytesPutPerRow: Math.round(bytesPut / rows),
    commitsPer10k: Number(perRow(counts.commits * 10_000, rows, 1)),
    mainThreadUsPerRow: Math.round(mainMicros * 10) / 10,
    longestTransactionMs: Math.round(counts.longestTransactionMs * 10) / 10,
    transactionsOver20Ms: counts.transactionsOver20Ms,
    transactionUsPerRow: Number((inTransactions / rows).toFixed(1)),
  };
}
