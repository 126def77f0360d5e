import 'reflect-metadata';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { phoneOf } from '../../test/waves/sendSupport';
import { printResult, startRun } from '../support/runInfo';
import { cpuSecondsOf, exited, prepareWave, readWave, sendJobStats, startService } from './serviceChild';
import { deliveryFigures, startTwilioCounter, windowFigures, type TwilioCounter } from './twilioCounter';

/**
 * npm run bench:waves
 * A wave sent by the service (a child process, embedded store, the twilio engine) to a local
 * server answering as Twilio does, which counts each text as it arrives; quiet hours off, a limit
 * of 1,000 segments/s. Three runs of the same wave: one sender worker (maxPerSecond <= 1,010,
 * meanPerSecond >= 950), two workers (twoWorkersMaxPerSecond, duplicates = 0), and a kill -9 of
 * the service mid-wave then a restart (duplicatesAfterKill = 0, missingAfterKill = 0,
 * uncertainAfterKill <= the messages in flight at the kill).
 * Sizes (env): BENCH_WAVE_RECIPIENTS (100,000), BENCH_WAVE_KILL_AT (0.4 of them sent).
 */
const RATE = 1000;
const WAVE_ID = 'bench-wave';

function size(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name}: a positive number`);
  return value;
}

const n = (value: number) => value.toLocaleString('en-US');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function serviceEnv(dataDir: string, counter: TwilioCounter): Record<string, string> {
  return {
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'warn',
    SCHEDULES: 'false',
    DATA_DIR: dataDir,
    FAN_FILES_POLL_SECONDS: '0',
    SMS_BACKEND: 'twilio',
    TWILIO_ACCOUNT_SID: counter.accountSid,
    TWILIO_AUTH_TOKEN: counter.authToken,
    TWILIO_API_BASE_URL: counter.url,
    // Status callbacks would go here; the counting server sends none.
    PUBLIC_BASE_URL: 'http://127.0.0.1:9',
    SMS_REQUEST_TIMEOUT_MS: '2000',
    WAVE_QUIET_HOURS: 'off',
    WAVE_RATE_SHORT_CODE: String(RATE),
    WAVE_GLOBAL_SEGMENTS_PER_SECOND: String(RATE),
    JOB_CONCURRENCY: '4',
    JOB_POLL_WAIT_SECONDS: '1',
    // A killed service's job is taken over after this (and its claims settled some seconds later).
    JOB_VISIBILITY_TIMEOUT_SECONDS: '10',
  };
}

/** Polls the store beside the service until the wave is SENT. */
async function waitForSent(dataDir: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { wave } = await readWave(dataDir, WAVE_ID);
    if (wave?.status === 'SENT') return;
    if (wave && wave.status !== 'SENDING') throw new Error(`the wave is ${wave.status}: ${wave.statusReason}`);
    if (Date.now() > deadline) throw new Error('the wave did not finish in time');
    await sleep(1000);
  }
}

async function withDataDir<T>(run: (dataDir: string) => Promise<T>): Promise<T> {
  const dataDir = await mkdtemp(join(tmpdir(), 'bench-waves-'));
  try {
    return await run(dataDir);
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** The wave sent by `workers` wave-send jobs at once; the arrivals at the counting server. */
async function sendWave(counter: TwilioCounter, recipients: number, workers: number) {
  counter.reset();
  return withDataDir(async (dataDir) => {
    const env = serviceEnv(dataDir, counter);
    await prepareWave(env, WAVE_ID, recipients, workers);
    const child = startService(env);
    let cpuSeconds: number | null;
    try {
      await waitForSent(dataDir, (recipients / RATE) * 3000 + 120_000);
      cpuSeconds = cpuSecondsOf(child);
    } finally {
      child.kill('SIGTERM');
      await exited(child);
    }
    return { arrivals: [...counter.arrivals], cpuSeconds };
  });
}

async function killedWave(counter: TwilioCounter, recipients: number, killAt: number) {
  counter.reset();
  return withDataDir(async (dataDir) => {
    const env = serviceEnv(dataDir, counter);
    await prepareWave(env, WAVE_ID, recipients, 1);
    const first = startService(env);
    while (counter.arrivals.length < recipients * killAt) {
      if (first.exitCode !== null) throw new Error('the service stopped before the kill');
      await sleep(20);
    }
    first.kill('SIGKILL');
    await exited(first);
    const arrivedAtKill = counter.arrivals.length;
    const atKill = await readWave(dataDir, WAVE_ID);
    const restarted = startService(env);
    const startedAt = Date.now();
    try {
      await waitForSent(dataDir, (recipients / RATE) * 3000 + 180_000);
    } finally {
      restarted.kill('SIGTERM');
      await exited(restarted);
    }
    const stats = await sendJobStats(dataDir, WAVE_ID);
    return {
      arrivals: [...counter.arrivals],
      arrivedAtKill,
      inFlightAtKill: atKill.sending + atKill.uncertain,
      uncertainAfterKill: stats.orphaned ?? 0,
      settledSent: stats.settledSent ?? 0,
      settledRequeued: stats.settledRequeued ?? 0,
      restartSeconds: (Date.now() - startedAt) / 1000,
    };
  });
}

async function main(): Promise<void> {
  startRun();
  const recipients = Math.round(size('BENCH_WAVE_RECIPIENTS', 100_000));
  const killAt = Math.min(0.9, size('BENCH_WAVE_KILL_AT', 0.4));
  const phones = Array.from({ length: recipients }, (_, index) => phoneOf(index + 1));
  const counter = await startTwilioCounter();
  try {
    console.log(`bench:waves: ${n(recipients)} recipients at ${n(RATE)} segments/s, quiet hours off`);
    const one = await sendWave(counter, recipients, 1);
    const single = windowFigures(one.arrivals);
    const singleDelivery = deliveryFigures(one.arrivals, phones);
    // The service's CPU per 1,000 texts, start-up included: what the wall rate is bounded by on a busy machine.
    const cpuMsPerText = one.cpuSeconds === null ? null : Math.round((one.cpuSeconds / recipients) * 1e6) / 1000;
    console.log(
      `  one worker: max ${n(single.maxPerSecond)} segments in a 1-s window (<= 1,010), ` +
        `mean ${n(single.meanPerSecond)}/s (>= 950); duplicates ${singleDelivery.duplicates}, ` +
        `missing ${singleDelivery.missing}; service CPU ${cpuMsPerText ?? '?'} ms per text`,
    );
    const two = await sendWave(counter, recipients, 2);
    const double = windowFigures(two.arrivals);
    const doubleDelivery = deliveryFigures(two.arrivals, phones);
    console.log(
      `  two workers: max ${n(double.maxPerSecond)} in a 1-s window, mean ${n(double.meanPerSecond)}/s; ` +
        `duplicates ${doubleDelivery.duplicates} (0), missing ${doubleDelivery.missing}`,
    );
    const killed = await killedWave(counter, recipients, killAt);
    const afterKill = deliveryFigures(killed.arrivals, phones);
    console.log(
      `  kill -9 at ${n(killed.arrivedAtKill)} texts, ${killed.inFlightAtKill} in flight: ` +
        `${killed.uncertainAfterKill} UNCERTAIN after the restart (${killed.settledSent} found sent, ` +
        `${killed.settledRequeued} sent again); duplicates ${afterKill.duplicates} (0), missing ${afterKill.missing} (0); ` +
        `restart to SENT ${killed.restartSeconds.toFixed(1)} s`,
    );
    printResult({
      recipients,
      maxPerSecond: single.maxPerSecond,
      meanPerSecond: single.meanPerSecond,
      serviceCpuMsPerText: cpuMsPerText,
      duplicatesOneWorker: singleDelivery.duplicates,
      missingOneWorker: singleDelivery.missing,
      twoWorkersMaxPerSecond: double.maxPerSecond,
      twoWorkersMeanPerSecond: double.meanPerSecond,
      duplicates: doubleDelivery.duplicates,
      missingTwoWorkers: doubleDelivery.missing,
      inFlightAtKill: killed.inFlightAtKill,
      uncertainAfterKill: killed.uncertainAfterKill,
      settledSentAfterKill: killed.settledSent,
      requeuedAfterKill: killed.settledRequeued,
      duplicatesAfterKill: afterKill.duplicates,
      missingAfterKill: afterKill.missing,
    });
  } finally {
    await counter.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
