import { z } from 'zod';
import type { QueueMessage } from '../../src/datasources/queue';
import type { Db, Store } from '../../src/datasources/store';
import { applyFeatureIndexes } from '../../src/features';
import type { JobType } from '../../src/jobs';
import { openTestStore } from '../support/store';
import { startJobSystem, waitFor, type TestJobSystem } from './support';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('queue workers and graceful stop', () => {
  let store: Store;
  let db: Db;
  const running: TestJobSystem[] = [];
  const start = async (...args: Parameters<typeof startJobSystem>) => {
    const system = await startJobSystem(...args);
    running.push(system);
    return system;
  };

  beforeEach(async () => {
    store = await openTestStore();
    db = store.db;
    await applyFeatureIndexes(db);
  });
  afterEach(async () => {
    for (const system of running.splice(0)) await system.stop();
    await store.close();
  });

  it('feeds a pipeline queue to its handler in batches, deleting, dead-lettering and redelivering as told', async () => {
    const system = await start(db, []);
    await system.queue.ensureQueue('clicks-test', { maxReceiveCount: 3, visibilityTimeoutSeconds: 5 });
    const seen: string[] = [];
    const batchSizes: number[] = [];
    let failedOnce = false;
    system.jobs.consume('clicks-test', {
      concurrency: 2,
      batchSize: 5,
      backoffMs: 50,
      async handler(messages: QueueMessage[]) {
        batchSizes.push(messages.length);
        if (!failedOnce && messages.some((m) => m.body === 'flaky')) {
          failedOnce = true;
          throw new Error('the store blinked');
        }
        seen.push(...messages.map((m) => m.body));
        return { deadLetter: messages.filter((m) => m.body === 'poison') };
      },
    });
    const bodies = [...Array.from({ length: 20 }, (_, i) => `click-${i}`), 'poison', 'flaky'];
    await system.queue.sendBatch(
      'clicks-test',
      bodies.map((body) => ({ body })),
    );
    await waitFor(
      async () => {
        const stats = await system.queue.stats('clicks-test');
        return stats.visible + stats.inFlight + stats.delayed === 0 && stats.deadLettered === 1;
      },
      8000,
      'the queue to drain',
    );
    expect(new Set(seen)).toEqual(new Set(bodies));
    expect(Math.max(...batchSizes)).toBeLessThanOrEqual(5);
    expect((await system.queue.deadLetters('clicks-test')).map((d) => d.body)).toEqual(['poison']);
  });

  it('holds one receive ahead of its slots, keeps what it holds invisible, and releases it when stopping', async () => {
    const system = await start(db, [], { config: { JOB_STOP_TIMEOUT_MS: 100 } });
    await system.queue.ensureQueue('ahead-test', { visibilityTimeoutSeconds: 3 });
    let release = false;
    const started: string[] = [];
    system.jobs.consume('ahead-test', {
      concurrency: 1,
      batchSize: 1,
      // Extended every second: a loaded machine may stall a heartbeat or two without a redelivery.
      visibilityTimeoutSeconds: 3,
      async handler(messages: QueueMessage[]) {
        started.push(messages[0]!.body);
        while (!release) await sleep(20);
      },
    });
    await system.queue.sendBatch(
      'ahead-test',
      ['first', 'second', 'third'].map((body) => ({ body })),
    );
    // One slot and one message ahead: the third stays in the queue.
    await waitFor(
      async () => {
        const stats = await system.queue.stats('ahead-test');
        return started.length === 1 && stats.inFlight === 2 && stats.visible === 1;
      },
      5000,
      'one message running and one held ahead',
    );
    const [third] = await system.queue.receive('ahead-test', { visibilityTimeoutSeconds: 30 });
    expect(third!.body).toBe('third');
    // Past the 3 s visibility: the running and the held message are still invisible.
    await sleep(3500);
    expect(await system.queue.receive('ahead-test')).toEqual([]);
    await system.stop();
    expect(started).toEqual(['first']);
    // Both went back to the queue: the one past the stop deadline and the one never started.
    expect((await system.queue.stats('ahead-test')).visible).toBe(2);
    release = true;
  });

  it('lets running jobs finish when stopping within the timeout', async () => {
    const quick: JobType<Record<string, never>> = {
      name: 'quick',
      params: z.object({}),
      perform: () => sleep(150).then(() => 'done'),
    };
    const system = await start(db, [quick]);
    const queued = await system.jobs.enqueue(quick, {});
    await waitFor(async () => (await system.jobs.get(queued._id))?.status === 'RUNNING');
    await system.stop();
    expect(await system.jobs.get(queued._id)).toMatchObject({ status: 'SUCCEEDED', result: 'done' });
  });

  it('releases a job still running at the stop deadline, for another instance to run at once', async () => {
    let release = false;
    const stubborn: JobType<Record<string, never>> = {
      name: 'stubborn',
      params: z.object({}),
      async perform() {
        while (!release) await sleep(20);
        return 'finished elsewhere';
      },
    };
    const first = await start(db, [stubborn], { config: { JOB_VISIBILITY_TIMEOUT_SECONDS: 30 } });
    const queued = await first.jobs.enqueue(stubborn, {});
    await waitFor(async () => (await first.jobs.get(queued._id))?.status === 'RUNNING');
    await first.stop();
    expect(await first.jobs.get(queued._id)).toMatchObject({ status: 'QUEUED', attempts: 0 });
    release = true;
    // Visibility is 30 s: only a released message can be picked up within the wait below.
    await start(db, [stubborn], { config: { JOB_VISIBILITY_TIMEOUT_SECONDS: 30 } });
    const job = await waitFor(
      async () => {
        const current = await first.jobs.get(queued._id);
        return current?.status === 'SUCCEEDED' ? current : undefined;
      },
      5000,
      'the released job to run on the second instance',
    );
    expect(job).toMatchObject({ attempts: 1, result: 'finished elsewhere' });
  });
});
