import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { openStore, type Store } from '../../src/datasources/store';
import { applyFeatureIndexes } from '../../src/features';
import { effectJob } from './fixtures/effectJob';
import { startJobSystem, waitFor, type TestJobSystem } from './support';

function startWorkerProcess(dataDir: string): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    ['-r', '@swc-node/register', join(__dirname, 'fixtures', 'crashWorker.ts'), dataDir],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', () => resolve(child));
    child.once('exit', (code) => reject(new Error(`worker exited with ${code}`)));
  });
}

describe('a worker killed with kill -9 in the middle of a job', () => {
  let dataDir: string;
  let store: Store;
  const systems: TestJobSystem[] = [];
  let child: ChildProcess | undefined;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'campaign-hub-crash-'));
    store = await openStore({ dataDir, dbName: 'test', watchPollMs: 10, ttlIntervalMs: 1000 });
    await applyFeatureIndexes(store.db);
  });
  afterAll(async () => {
    child?.kill('SIGKILL');
    for (const system of systems) await system.stop();
    await store.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('runs the job again after the visibility timeout, and its effect is applied once', async () => {
    const db = store.db;
    const producer = await startJobSystem(db, [effectJob(db, { hangAfterEffect: false })], {
      config: { JOB_WORKERS: false },
    });
    systems.push(producer);
    const queued = await producer.jobs.enqueue('effect', { key: 'order-42' });

    child = await startWorkerProcess(dataDir);
    await waitFor(
      async () => (await db.collection('runs').findOne({ _id: queued._id as never }))?.count === 1,
      15_000,
      'the first run',
    );
    expect((await producer.jobs.get(queued._id))?.status).toBe('RUNNING');
    child.kill('SIGKILL');
    await new Promise((resolve) => child!.once('exit', resolve));

    systems.push(await startJobSystem(db, [effectJob(db, { hangAfterEffect: false })]));
    const job = await waitFor(
      async () => {
        const current = await producer.jobs.get(queued._id);
        return current?.status === 'SUCCEEDED' ? current : undefined;
      },
      15_000,
      'the job to succeed on the surviving worker',
    );
    expect(job).toMatchObject({ attempts: 2, result: 'applied' });
    expect((await db.collection('runs').findOne({ _id: queued._id as never }))?.count).toBe(2);
    expect(await db.collection('effects').countDocuments({ _id: 'order-42' as never })).toBe(1);
    // The message is deleted right after the job is marked done.
    await waitFor(
      async () => {
        const stats = await producer.queue.stats('jobs');
        return stats.visible + stats.inFlight + stats.deadLettered === 0;
      },
      5000,
      'the message to be deleted',
    );
  });
});
