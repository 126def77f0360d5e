import { z } from 'zod';
import { SqsQueuePort } from '../../src/datasources/queue';
import type { Store } from '../../src/datasources/store';
import { applyFeatureIndexes } from '../../src/features';
import type { JobType } from '../../src/jobs';
import { startFauxqs } from '../datasources/queue/fauxqs';
import { openTestStore } from '../support/store';
import { startJobSystem, waitFor, type TestJobSystem } from './support';

describe('job runner on SQS (fauxqs)', () => {
  let store: Store;
  let fauxqs: Awaited<ReturnType<typeof startFauxqs>>;
  let system: TestJobSystem;
  let failing = true;
  const unstable: JobType<{ id: string }, string> = {
    name: 'unstable',
    params: z.object({ id: z.string() }),
    options: { attempts: 2, backoffMs: 100 },
    async perform({ id }) {
      if (failing) throw new Error(`not yet: ${id}`);
      return `done ${id}`;
    },
  };

  beforeAll(async () => {
    store = await openTestStore();
    await applyFeatureIndexes(store.db);
    fauxqs = await startFauxqs();
    const queue = new SqsQueuePort({ client: fauxqs.client(), prefix: 'runner-' });
    system = await startJobSystem(store.db, [unstable], { queue });
  });
  afterAll(async () => {
    await system.stop();
    await system.queue.close();
    await fauxqs.stop();
    await store.close();
  });

  it('retries through message visibility, dead-letters the last failure, and runs again on redrive', async () => {
    failing = true;
    const queued = await system.jobs.enqueue(unstable, { id: 'a' });
    const failed = await waitFor(
      async () => {
        const job = await system.jobs.get(queued._id);
        return job?.status === 'FAILED' ? job : undefined;
      },
      10_000,
      'the job to fail',
    );
    expect(failed).toMatchObject({ attempts: 2, error: { message: 'not yet: a', code: 'JOB_FAILED' } });
    await waitFor(async () => (await system.queue.stats('jobs')).deadLettered === 1, 5000, 'the dead letter');
    expect((await system.queue.deadLetters('jobs')).map((d) => JSON.parse(d.body).jobId)).toEqual([queued._id]);

    failing = false;
    expect(await system.queue.redriveDeadLetters('jobs')).toBe(1);
    const done = await waitFor(
      async () => {
        const job = await system.jobs.get(queued._id);
        return job?.status === 'SUCCEEDED' ? job : undefined;
      },
      10_000,
      'the redriven job to succeed',
    );
    expect(done).toMatchObject({ attempts: 1, result: 'done a' });
  });
});
