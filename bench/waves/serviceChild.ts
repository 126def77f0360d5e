import 'reflect-metadata';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadConfig } from '../../src/config';
import { openStore, type Filter } from '../../src/datasources/store';
import { JOBS } from '../../src/jobs/jobStore';
import type { JobRecord } from '../../src/jobs/jobType';
import { WAVE_SEND_JOB } from '../../src/services/waves/lifecycle/waveJobs';
import { WAVE_MESSAGES, WAVES, type WaveDoc, type WaveMessageDoc } from '../../src/services/waves/model';
import { composeApp } from '../../src/server/compose';
import { storeWave } from '../../test/waves/sendSupport';

const root = resolve(__dirname, '../..');

/**
 * The wave written to a fresh data directory as the upload leaves it (SENDING, its messages
 * PENDING) and `workers` wave-send jobs enqueued for it, through the composed app with no
 * workers: the service started next finds them as after sendWaveNow.
 */
export async function prepareWave(env: Record<string, string>, waveId: string, recipients: number, workers: number) {
  const composed = await composeApp(loadConfig({ ...env, JOB_WORKERS: 'false' }), { holder: 'bench:waves' });
  try {
    await storeWave(composed.app.db, {
      id: waveId,
      recipients,
      config: { segmentsPerSecond: 1000, validitySeconds: 36_000, senderKind: 'SHORT_CODE' },
    });
    for (let worker = 1; worker <= workers; worker += 1) {
      await composed.app.jobs.enqueue(
        WAVE_SEND_JOB,
        { waveId },
        { idempotencyKey: `${WAVE_SEND_JOB}:${waveId}:bench-${worker}` },
      );
    }
  } finally {
    await composed.close();
  }
}

/** The service (src/main.ts, as `npm run dev` runs it) in a child process on the data directory. */
export function startService(env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, ['--max-semi-space-size=32', '-r', '@swc-node/register', 'src/main.ts'], {
    cwd: root,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  child.stderr?.on('data', (chunk: Buffer) => process.stderr.write(chunk));
  return child;
}

export function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolveExit) => child.once('exit', () => resolveExit()));
}

/** Reads the wave and its SENDING messages beside the service (a read-only open of its store). */
export async function readWave(dataDir: string, waveId: string) {
  const store = await openStore({ dataDir, access: 'readOnly' });
  try {
    const wave = await store.db.collection<WaveDoc>(WAVES).findOne({ _id: waveId });
    const sending = await store.db
      .collection<WaveMessageDoc>(WAVE_MESSAGES)
      .countDocuments({ waveId, status: 'SENDING' });
    const uncertain = await store.db
      .collection<WaveMessageDoc>(WAVE_MESSAGES)
      .countDocuments({ waveId, status: 'UNCERTAIN' });
    return { wave, sending, uncertain };
  } finally {
    await store.close();
  }
}

/** The stats of the wave's wave-send jobs, summed (orphaned: claims of a dead worker found UNCERTAIN). */
export async function sendJobStats(dataDir: string, waveId: string): Promise<Record<string, number>> {
  const store = await openStore({ dataDir, access: 'readOnly' });
  try {
    const jobs = await store.db
      .collection<JobRecord>(JOBS)
      .find({ type: WAVE_SEND_JOB, 'params.waveId': waveId } as Filter<JobRecord>)
      .toArray();
    const sums: Record<string, number> = {};
    for (const job of jobs) for (const [key, value] of Object.entries(job.stats)) sums[key] = (sums[key] ?? 0) + value;
    return sums;
  } finally {
    await store.close();
  }
}

/** CPU seconds (user + system) a live child process has used so far; null where /proc is missing. */
export function cpuSecondsOf(child: ChildProcess): number | null {
  try {
    const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    // utime and stime, the 14th and 15th fields, in clock ticks (100 a second on Linux)
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}
