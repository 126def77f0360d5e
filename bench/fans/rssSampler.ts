import { once } from 'node:events';
import { Worker } from 'node:worker_threads';

export interface RssPeak {
  /** Peak RSS growth over the start, MB: process memory and the store's mapped pages together. */
  growthMb: number;
  /** Of it, the process's own (anonymous) memory, MB: RSS without mapped files such as LMDB's map. */
  anonGrowthMb: number;
}

/**
 * Runs in a worker thread, so it samples while the main thread is busy with the phase measured:
 * /proc/self/status is the whole process's. The start values are read once the worker runs, so
 * its own memory is not counted as growth.
 */
const SAMPLER = `
const { readFileSync } = require('node:fs');
const { parentPort, workerData } = require('node:worker_threads');
const read = () => {
  const status = readFileSync('/proc/self/status', 'utf8');
  const kib = (field) => Number(status.split(field + ':')[1].trim().split(' ')[0]);
  return { rss: kib('VmRSS'), anon: kib('RssAnon') };
};
const start = read();
const peak = { ...start };
const sample = () => {
  const now = read();
  peak.rss = Math.max(peak.rss, now.rss);
  peak.anon = Math.max(peak.anon, now.anon);
};
const timer = setInterval(sample, workerData.everyMs);
parentPort.postMessage('started');
parentPort.on('message', (ask) => {
  sample();
  if (ask === 'stop') clearInterval(timer);
  parentPort.postMessage({ start, peak });
});
`;

export interface RssSampler {
  /** The peak so far; sampling goes on. */
  peek(): Promise<RssPeak>;
  /** The peak, and the sampling ends (the same answer however often it is asked). */
  stop(): Promise<RssPeak>;
}

interface Readings {
  start: { rss: number; anon: number };
  peak: { rss: number; anon: number };
}

const growth = ({ start, peak }: Readings): RssPeak => ({
  growthMb: Math.round((peak.rss - start.rss) / 1024),
  anonGrowthMb: Math.round((peak.anon - start.anon) / 1024),
});

/** Samples this process's RSS every `everyMs` (Linux /proc): the peak growth a phase causes. */
export async function sampleRss(everyMs = 20): Promise<RssSampler> {
  const worker = new Worker(SAMPLER, { eval: true, workerData: { everyMs } });
  await once(worker, 'message');
  const ask = async (what: 'peek' | 'stop') => {
    worker.postMessage(what);
    const [readings] = (await once(worker, 'message')) as [Readings];
    return growth(readings);
  };
  let stopped: Promise<RssPeak> | undefined;
  return {
    peek: () => stopped ?? ask('peek'),
    stop: () =>
      (stopped ??= ask('stop').then(async (peak) => {
        await worker.terminate();
        return peak;
      })),
  };
}
