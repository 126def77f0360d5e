import { createWriteStream } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { openStore, type Store } from '../../src/datasources/store';
import { applyIndexes } from '../../src/datasources/store/indexes';
import { campaignIndexes } from '../../src/services/campaigns/indexes';
import type { Figures } from '../support/runInfo';

/** Every figure `line` printed in this run, keyed `<key>PerSec` (and `<key>PerCpuSec`), for the JSON line. */
export const figures: Figures = {};

/** A fresh embedded store with the campaigns indexes, in a temp dir kept for the whole run. */
export async function benchStore(label: string): Promise<{ store: Store; dir: string }> {
  const dir = await mkdtemp(join(tmpdir(), `bench-campaigns-${label}-`));
  const store = await openStore({ dataDir: dir, dbName: 'bench' });
  await applyIndexes(store.db, campaignIndexes);
  return { store, dir };
}

/** Writes a members CSV of `rows` rows (some e-mails in odd case and with spaces, as uploads are). */
export async function writeMembersCsv(path: string, rows: number): Promise<void> {
  const out = createWriteStream(path);
  out.write('email,name,city,plan\n');
  for (let i = 0; i < rows; i++) {
    const email = i % 10 === 0 ? ` Member${i}@Example.com ` : `member${i}@example.com`;
    if (!out.write(`${email},Member ${i},${i % 2 ? 'New York' : 'Boston'},${i % 3 ? 'free' : 'pro'}\n`))
      await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

export function rate(count: number, ms: number): string {
  return `${Math.round((count / ms) * 1000).toLocaleString('en-US')}/s`;
}

/** CPU seconds this process used since `since` (a process.cpuUsage() reading). */
export function cpuSecondsSince(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1e6;
}

/** One figure: count, wall time and rate, and per CPU-second when `cpuSeconds` is given. */
export function line(key: string, label: string, count: number, ms: number, unit: string, cpuSeconds?: number): void {
  figures[`${key}PerSec`] = Math.round((count / ms) * 1000);
  if (cpuSeconds) figures[`${key}PerCpuSec`] = Math.round(count / cpuSeconds);
  const perCpu = cpuSeconds
    ? `  ${Math.round(count / cpuSeconds)
        .toLocaleString('en-US')
        .padStart(9)} per CPU-s`
    : '';
  console.log(
    `${label.padEnd(58)} ${count.toLocaleString('en-US').padStart(10)} ${unit.padEnd(12)} ${(ms / 1000).toFixed(2).padStart(8)} s  ${rate(count, ms).padStart(12)}${perCpu}`,
  );
}

/** `--name 1000` from the command line (after `npm run bench:campaigns --`), else the fallback. */
export function intArg(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  const value = index >= 0 ? Number(process.argv[index + 1]) : NaN;
  return Number.isInteger(value) && value > 0 ? value : fallback;
}
