import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DeleteMessageBatchCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { Registry } from 'prom-client';
import { z } from 'zod';
import { EmbeddedQueuePort, SqsQueuePort } from '../../src/datasources/queue';
import { openStore, type Store } from '../../src/datasources/store';
import { applyFeatureIndexes } from '../../src/features';
import { createJobSystem, type JobType } from '../../src/jobs';
import { createLogger } from '../../src/logger';
import { printResult, startRun, type Figures } from '../support/runInfo';
import { perSecond, print, sendReceiveDelete, timed, type Figure } from './throughput';

/**
 * Queue and runner throughput, each beside a baseline of the same run:
 *   embedded queue vs the raw store calls it is made of; SQS engine vs raw SDK calls on the same
 *   fauxqs; no-op jobs through the runner vs the embedded queue figure.
 * Sizes: BENCH_MESSAGES (default 20000), BENCH_JOBS (default 5000), BENCH_CONCURRENCY (default 16).
 */
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 20_000);
const JOBS = Number(process.env.BENCH_JOBS ?? 5000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);

// fauxqs is ESM-only; a Function-made import() is not rewritten to require() by the compiler.
const importEsm = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<any>;

async function rawStoreBaseline(store: Store, count: number): Promise<Figure> {
  const collection = store.db.collection<{ _id: number; queue: string; body: string; visibleAt: Date }>('bench_raw');
  return timed('baseline: raw store insertMany(10) + find(10) + deleteMany', count, async () => {
    for (let i = 0; i < count; i += 10) {
      const docs = Array.from({ length: 10 }, (_, j) => ({
        _id: i + j,
        queue: 'raw',
        body: `{"n":${i + j}}`,
        visibleAt: new Date(),
      }));
      await collection.insertMany(docs);
      const found = await collection.find({ queue: 'raw', visibleAt: { $lte: new Date() } }, { limit: 10 }).toArray();
      await collection.deleteMany({ _id: { $in: found.map((d) => d._id) } });
    }
  });
}

async function embeddedQueue(store: Store): Promise<Figure> {
  const port = new EmbeddedQueuePort(store.db);
  await port.ensureQueue('bench', {});
  const figure = await timed(`embedded queue: send -> receive -> delete (${CONCURRENCY} receivers)`, MESSAGES, () =>
    sendReceiveDelete(port, 'bench', MESSAGES, CONCURRENCY, 100),
  );
  await port.close();
  return figure;
}

async function sqsQueue(): Promise<[Figure, Figure]> {
  const { startFauxqs } = await importEsm('fauxqs');
  const server = await startFauxqs({ port: 0, logger: false });
  const client = new SQSClient({
    endpoint: server.address,
    region: 'us-east-1',
    credentials: { accessKeyId: 'b', secretAccessKey: 'b' },
  });
  const count = Math.min(MESSAGES, 5000);
  try {
    const port = new SqsQueuePort({ client, prefix: 'bench-' });
    await port.ensureQueue('raw', { deadLetter: false });
    await port.ensureQueue('bench', {});
    const { QueueUrl: rawUrl } = await client.send(new GetQueueUrlCommand({ QueueName: 'bench-raw' }));
    const baseline = await timed('baseline: raw SDK SendMessageBatch/Receive/DeleteBatch', count, async () => {
      for (let i = 0; i < count; i += 10) {
        await client.send(
          new SendMessageBatchCommand({
            QueueUrl: rawUrl,
            Entries: Array.from({ length: 10 }, (_, j) => ({ Id: String(j), MessageBody: String(i + j) })),
          }),
        );
        const { Messages = [] } = await client.send(
          new ReceiveMessageCommand({ QueueUrl: rawUrl, MaxNumberOfMessages: 10 }),
        );
        if (Messages.length > 0) {
          await client.send(
            new DeleteMessageBatchCommand({
              QueueUrl: rawUrl,
              Entries: Messages.map((m, j) => ({ Id: String(j), ReceiptHandle: m.ReceiptHandle! })),
            }),
          );
        }
      }
    });
    const figure = await timed(
      `SQS engine on fauxqs: send -> receive -> delete (${CONCURRENCY} receivers)`,
      count,
      () => sendReceiveDelete(port, 'bench', count, CONCURRENCY),
    );
    return [baseline, figure];
  } finally {
    client.destroy();
    await server.stop();
  }
}

async function succeededRuns(metrics: Registry): Promise<number> {
  const runs = await metrics.getSingleMetric('job_run_duration_seconds')?.get();
  const count = runs?.values.find(
    (v) =>
      (v as { metricName?: string }).metricName === 'job_run_duration_seconds_count' && v.labels.status === 'SUCCEEDED',
  );
  return count?.value ?? 0;
}

async function runner(store: Store): Promise<[Figure, Figure]> {
  const noop: JobType<{ n: number }> = {
    name: 'noop',
    params: z.object({ n: z.number() }),
    perform: async () => undefined,
  };
  const metrics = new Registry();
  const system = createJobSystem({
    db: store.db,
    config: {
      JOB_WORKERS: true,
      JOB_CONCURRENCY: CONCURRENCY,
      SCHEDULES: false,
      JOB_POLL_WAIT_SECONDS: 1,
      JOB_VISIBILITY_TIMEOUT_SECONDS: 30,
      JOB_STOP_TIMEOUT_MS: 1000,
      cronOverrides: {},
    },
    logger: createLogger({ level: 'silent' }),
    metrics,
    queue: new EmbeddedQueuePort(store.db),
  });
  system.register([noop]);
  await system.start();
  const jobs = store.db.collection('jobs');
  let enqueued: Figure | undefined;
  const total = await timed(`runner: no-op jobs enqueued -> SUCCEEDED (concurrency ${CONCURRENCY})`, JOBS, async () => {
    enqueued = await timed(`  of which enqueue (validate, insert, send), ${CONCURRENCY} callers`, JOBS, async () => {
      let next = 0;
      const caller = async () => {
        while (next < JOBS) await system.jobs.enqueue(noop, { n: next++ });
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, caller));
    });
    // The runner's own count of runs it ended SUCCEEDED (observed after the job's write), then
    // the store's: counting in the store reads every finished job, and polling that would
    // compete with the runner for CPU.
    while ((await succeededRuns(metrics)) < JOBS) await new Promise((r) => setTimeout(r, 20));
    while ((await jobs.countDocuments({ status: 'SUCCEEDED' })) < JOBS) await new Promise((r) => setTimeout(r, 20));
  });
  await system.stop();
  return [enqueued!, total];
}

/** A figure as the JSON line carries it: `<key>PerSec` and `<key>PerCpuSec`. */
const keyed = (key: string, figure: Figure): Figures => ({
  [`${key}PerSec`]: Math.round(perSecond(figure)),
  [`${key}PerCpuSec`]: Math.round(figure.count / figure.cpuSeconds),
});

async function main(): Promise<void> {
  startRun();
  const dataDir = await mkdtemp(join(tmpdir(), 'bench-queue-'));
  const store = await openStore({ dataDir, dbName: 'bench', ttlIntervalMs: 60_000 });
  let figures: Figures;
  try {
    await applyFeatureIndexes(store.db);
    console.log(`bench:queue  messages=${MESSAGES} jobs=${JOBS} concurrency=${CONCURRENCY}  (node ${process.version})`);
    const rawStore = await rawStoreBaseline(store, Math.min(MESSAGES, 10_000));
    const embedded = await embeddedQueue(store);
    print(rawStore);
    print(embedded, rawStore, 5000);
    const [rawSqs, sqs] = await sqsQueue();
    print(rawSqs);
    print(sqs, rawSqs);
    const [enqueue, jobs] = await runner(store);
    print(enqueue);
    print(jobs, embedded, 1000);
    figures = {
      ...keyed('rawStore', rawStore),
      ...keyed('embedded', embedded),
      ...keyed('rawSqs', rawSqs),
      ...keyed('sqs', sqs),
      ...keyed('enqueue', enqueue),
      ...keyed('jobs', jobs),
    };
  } finally {
    await store.close();
    await rm(dataDir, { recursive: true, force: true });
  }
  printResult(figures);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
