import { z } from 'zod';
import type { Db, Store } from '../../src/datasources/store';
import { applyFeatureIndexes } from '../../src/features';
import { AppError } from '../../src/errors';
import { JobCancelledError, PermanentJobError, type JobRecord, type JobType } from '../../src/jobs';
import { JobStore } from '../../src/jobs/jobStore';
import { openTestStore } from '../support/store';
import { startJobSystem, waitFor, type TestJobSystem } from './support';

const finished = (system: TestJobSystem, id: string) =>
  waitFor(
    async () => {
      const job = await system.jobs.get(id);
      return job && ['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(job.status) ? job : undefined;
    },
    8000,
    `job ${id} to finish`,
  );

describe('job runner on the embedded engines', () => {
  let store: Store;
  let db: Db;
  let system: TestJobSystem;
  const attemptsAt = new Map<string, number[]>();
  let healed = false;

  const sum: JobType<{ a: number; b: number }, number> = {
    name: 'sum',
    params: z.object({ a: z.number(), b: z.number() }),
    async perform({ a, b }, ctx) {
      await ctx.progress(0.5, 'adding');
      await ctx.setStats({ added: 2 });
      return a + b;
    },
  };
  const flaky: JobType<{ key: string }> = {
    name: 'flaky',
    params: z.object({ key: z.string() }),
    options: { attempts: 3, backoffMs: 60 },
    async perform({ key }) {
      attemptsAt.set(key, [...(attemptsAt.get(key) ?? []), Date.now()]);
      if (!healed) throw new Error(`upstream refused ${key}`);
      return 'healed';
    },
  };
  const permanent: JobType<Record<string, never>> = {
    name: 'permanent',
    params: z.object({}),
    async perform() {
      throw new PermanentJobError('the file is not a spreadsheet', 'BAD_FILE');
    },
  };
  const slow: JobType<{ ms: number }> = {
    name: 'slow',
    params: z.object({ ms: z.number() }),
    options: { timeoutMs: 300, attempts: 1 },
    perform: ({ ms }, ctx) =>
      new Promise((resolve) => {
        const timer = setTimeout(resolve, ms);
        ctx.signal.addEventListener('abort', () => clearTimeout(timer));
      }),
  };
  const seenCancel: string[] = [];
  const loop: JobType<{ steps: number }> = {
    name: 'loop',
    params: z.object({ steps: z.number().int() }),
    async perform({ steps }, ctx) {
      try {
        for (let i = 0; i < steps; i++) {
          await ctx.progress(i / steps, `step ${i}`);
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      } catch (error) {
        if (error instanceof JobCancelledError) seenCancel.push(ctx.jobId);
        throw error;
      }
    },
  };

  beforeAll(async () => {
    store = await openTestStore();
    db = store.db;
    await applyFeatureIndexes(db);
    system = await startJobSystem(db, [sum, flaky, permanent, slow, loop]);
  });
  afterAll(async () => {
    await system.stop();
    await store.close();
  });

  it('runs a job to SUCCEEDED with its result, progress and stats', async () => {
    const queued = await system.jobs.enqueue(sum, { a: 2, b: 3 }, { requestedBy: 'key-1' });
    expect(queued).toMatchObject({
      status: 'QUEUED',
      attempts: 0,
      trigger: 'MANUAL',
      requestedBy: 'key-1',
      queue: 'jobs',
    });
    const job = await finished(system, queued._id);
    expect(job).toMatchObject({
      status: 'SUCCEEDED',
      result: 5,
      attempts: 1,
      progress: { fraction: 1 },
      stats: { added: 2 },
    });
    expect(job.finishedAt!.getTime()).toBeGreaterThanOrEqual(job.startedAt!.getTime());
    const waiting = await system.jobs.enqueue(sum, { a: 0, b: 0 }, { delaySeconds: 60 });
    const metrics = await system.metrics.metrics();
    expect(metrics).toMatch(/jobs_enqueued_total\{type="sum",trigger="MANUAL"\} 2/);
    expect(metrics).toMatch(/job_run_duration_seconds_count\{type="sum",status="SUCCEEDED"\} 1/);
    expect(metrics).toMatch(/jobs_backlog\{type="sum",status="QUEUED"\} 1/);
    await system.jobs.cancel(waiting._id);
  });

  it('refuses bad params with BAD_USER_INPUT naming the field, and enqueues nothing', async () => {
    const before = await db.collection('jobs').countDocuments();
    const error = await system.jobs
      .enqueue('sum', { a: 1, b: 'two' } as never, { inputName: 'input' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.b' });
    await expect(system.jobs.enqueue('no-such-type', {})).rejects.toMatchObject({
      extensions: { code: 'BAD_USER_INPUT', field: 'type' },
    });
    expect(await db.collection('jobs').countDocuments()).toBe(before);
    expect((await system.queue.stats('jobs')).visible).toBe(0);
  });

  it('gives the same job for the same idempotency key', async () => {
    const first = await system.jobs.enqueue(sum, { a: 1, b: 1 }, { idempotencyKey: 'sum-once' });
    const second = await system.jobs.enqueue(sum, { a: 1, b: 1 }, { idempotencyKey: 'sum-once' });
    expect(second._id).toBe(first._id);
    expect(await db.collection('jobs').countDocuments({ idempotencyKey: 'sum-once' })).toBe(1);
  });

  it('retries a failing job with growing backoff, fails it into the dead-letter queue, and runs it again on redrive', async () => {
    healed = false;
    const queued = await system.jobs.enqueue(flaky, { key: 'k1' });
    const job = await finished(system, queued._id);
    expect(job).toMatchObject({
      status: 'FAILED',
      attempts: 3,
      error: { message: 'upstream refused k1', code: 'JOB_FAILED' },
    });
    expect(JSON.stringify(job.error)).not.toMatch(/at .*\.ts/);
    const times = attemptsAt.get('k1')!;
    expect(times).toHaveLength(3);
    // Equal jitter: each wait is at least half its nominal delay (60 ms, then 120 ms).
    expect(times[1] - times[0]).toBeGreaterThanOrEqual(30);
    expect(times[2] - times[1]).toBeGreaterThanOrEqual(60);
    // The job is marked FAILED first, then its message moves to the dead-letter queue.
    await waitFor(
      async () => (await system.queue.deadLetters('jobs')).some((d) => JSON.parse(d.body).jobId === job._id),
      5000,
      'the dead letter',
    );

    healed = true;
    expect(await system.queue.redriveDeadLetters('jobs')).toBeGreaterThanOrEqual(1);
    const redriven = await waitFor(async () => {
      const current = await system.jobs.get(job._id);
      return current?.status === 'SUCCEEDED' ? current : undefined;
    });
    expect(redriven).toMatchObject({ attempts: 1, result: 'healed' });
    expect(redriven.error).toBeUndefined();
  });

  it('fails at once on a PermanentJobError, keeping its code', async () => {
    const job = await finished(system, (await system.jobs.enqueue(permanent, {}))._id);
    expect(job).toMatchObject({
      status: 'FAILED',
      attempts: 1,
      error: { message: 'the file is not a spreadsheet', code: 'BAD_FILE' },
    });
  });

  it('aborts a run past its timeout as JOB_TIMEOUT', async () => {
    const job = await finished(system, (await system.jobs.enqueue(slow, { ms: 5000 }))._id);
    expect(job).toMatchObject({ status: 'FAILED', attempts: 1, error: { code: 'JOB_TIMEOUT' } });
  });

  it('cancels a running job at its next progress check', async () => {
    const queued = await system.jobs.enqueue(loop, { steps: 200 });
    await waitFor(async () => ((await system.jobs.get(queued._id))?.progress.fraction ?? 0) > 0.01);
    const asked = await system.jobs.cancel(queued._id);
    expect(asked).toMatchObject({ status: 'RUNNING', cancelRequested: true });
    const job = await finished(system, queued._id);
    expect(job.status).toBe('CANCELLED');
    expect(job.progress.fraction).toBeLessThan(0.5);
    expect(seenCancel).toContain(queued._id);
    await expect(system.jobs.cancel(queued._id)).rejects.toMatchObject({ extensions: { code: 'CONFLICT' } });
  });

  it('cancels a queued job before it runs, and retries it on request', async () => {
    const queued = await system.jobs.enqueue(sum, { a: 4, b: 4 }, { delaySeconds: 30 });
    expect(await system.jobs.cancel(queued._id)).toMatchObject({ status: 'CANCELLED' });
    const retried = await system.jobs.retry(queued._id, 'operator-key');
    expect(retried).toMatchObject({ status: 'QUEUED', attempts: 0, requestedBy: 'operator-key' });
    expect(await finished(system, queued._id)).toMatchObject({ status: 'SUCCEEDED', result: 8 });
    await expect(system.jobs.retry(queued._id)).rejects.toMatchObject({ extensions: { code: 'CONFLICT' } });
    await expect(system.jobs.retry('000000000000000000000000')).rejects.toMatchObject({
      extensions: { code: 'NOT_FOUND' },
    });
  });

  it('runs a job whose message was received before the job could be read', async () => {
    const id = '5f0000000000000000000001';
    await system.queue.send('jobs', { body: JSON.stringify({ jobId: id }) });
    // Received once with no job to find: delivered again shortly instead of being dropped.
    await waitFor(async () => (await system.queue.stats('jobs')).inFlight === 1, 5000, 'the first delivery');
    const now = new Date();
    await db.collection<JobRecord>('jobs').insertOne({
      _id: id,
      type: 'sum',
      params: { a: 20, b: 22 },
      status: 'QUEUED',
      progress: { fraction: 0 },
      stats: {},
      attempts: 0,
      maxAttempts: 3,
      trigger: 'MANUAL',
      queue: 'jobs',
      dispatchedAt: now,
      createdAt: now,
      updatedAt: now,
    });
    expect(await finished(system, id)).toMatchObject({ status: 'SUCCEEDED', result: 42, attempts: 1 });
  });

  it('runs a job stored between its claim and its read', async () => {
    const id = '5f0000000000000000000002';
    const claim = JobStore.prototype.claim;
    const spy = jest.spyOn(JobStore.prototype, 'claim').mockImplementationOnce(async function (
      this: JobStore,
      ...args
    ) {
      const missed = await claim.apply(this, args);
      const now = new Date();
      await db.collection<JobRecord>('jobs').insertOne({
        _id: id,
        type: 'sum',
        params: { a: 1, b: 1 },
        status: 'QUEUED',
        progress: { fraction: 0 },
        stats: {},
        attempts: 0,
        maxAttempts: 3,
        trigger: 'MANUAL',
        queue: 'jobs',
        dispatchedAt: now,
        createdAt: now,
        updatedAt: now,
      });
      return missed;
    });
    try {
      await system.queue.send('jobs', { body: JSON.stringify({ jobId: id }) });
      expect(await finished(system, id)).toMatchObject({ status: 'SUCCEEDED', result: 2, attempts: 1 });
      // Deleted once handled: not delivered again.
      await waitFor(async () => (await system.queue.stats('jobs')).inFlight === 0, 5000, 'the message to be deleted');
    } finally {
      spy.mockRestore();
    }
  });

  it('does not start a delayed job before its delay', async () => {
    const queued = await system.jobs.enqueue(sum, { a: 1, b: 2 }, { delaySeconds: 1 });
    const job: JobRecord = await finished(system, queued._id);
    expect(job.startedAt!.getTime() - queued.createdAt.getTime()).toBeGreaterThanOrEqual(1000);
  });
});
