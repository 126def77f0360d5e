import { z } from 'zod';
import type { Store } from '../../src/datasources/store';
import { applyFeatureIndexes } from '../../src/features';
import type { JobRecord, JobType } from '../../src/jobs';
import { Dispatcher } from '../../src/jobs/dispatcher';
import { JobStore } from '../../src/jobs/jobStore';
import { createLogger } from '../../src/logger';
import { openTestStore } from '../support/store';
import { startJobSystem, waitFor, type TestJobSystem } from './support';

describe('dispatcher', () => {
  let store: Store;
  let system: TestJobSystem;
  let dispatcher: Dispatcher;
  const echo: JobType<{ word: string }, string> = {
    name: 'echo',
    params: z.object({ word: z.string() }),
    perform: async ({ word }) => word,
  };
  const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000);
  const storedJob = (id: string, fields: Partial<JobRecord>): JobRecord => ({
    _id: id,
    type: 'echo',
    params: { word: id },
    status: 'QUEUED',
    progress: { fraction: 0 },
    stats: {},
    attempts: 0,
    maxAttempts: 3,
    trigger: 'MANUAL',
    queue: 'jobs',
    createdAt: minutesAgo(30),
    updatedAt: minutesAgo(30),
    ...fields,
  });
  const succeeded = (id: string) =>
    waitFor(async () => (await system.jobs.get(id))?.status === 'SUCCEEDED', 8000, `job ${id}`);

  beforeAll(async () => {
    store = await openTestStore();
    await applyFeatureIndexes(store.db);
    system = await startJobSystem(store.db, [echo]);
    dispatcher = new Dispatcher({
      store: new JobStore(store.db),
      jobs: system.jobs,
      logger: createLogger({ level: 'silent' }),
    });
  });
  afterAll(async () => {
    await system.stop();
    await store.close();
  });

  it('holds a job delayed past the longest message delay until it is due within it', async () => {
    const queued = await system.jobs.enqueue(echo, { word: 'later' }, { delaySeconds: 3600 });
    expect(queued.dispatchedAt).toBeUndefined();
    await dispatcher.sweep();
    expect(await system.queue.stats('jobs')).toMatchObject({ visible: 0, delayed: 0 });
    await dispatcher.sweep(new Date(Date.now() + 3600_000 - 600_000));
    expect((await system.jobs.get(queued._id))?.dispatchedAt).toBeInstanceOf(Date);
    expect((await system.queue.stats('jobs')).delayed).toBe(1);
  });

  it('sends the message of a job whose send failed, and of one whose process died before sending', async () => {
    const jobs = store.db.collection<JobRecord>('jobs');
    await jobs.insertOne(storedJob('send-failed', {}));
    await jobs.insertOne(storedJob('died-before-send', { dispatchedAt: minutesAgo(30) }));
    // Still within its quiet period: an enqueue may be between its insert and its send.
    await jobs.insertOne(storedJob('just-enqueued', { updatedAt: new Date(), createdAt: new Date() }));
    await dispatcher.sweep();
    await succeeded('send-failed');
    await succeeded('died-before-send');
    expect((await system.jobs.get('just-enqueued'))?.status).toBe('QUEUED');
  });
});
