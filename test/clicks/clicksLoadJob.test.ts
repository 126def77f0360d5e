import { Registry } from 'prom-client';
import type { App } from '../../src/app';
import { loadConfig } from '../../src/config';
import type { JobRecord } from '../../src/jobs/jobType';
import { createLogger } from '../../src/logger';
import { servicesFor } from '../../src/features';
import { clicksFeature } from '../../src/features/clicks';
import { clicksLoadJob } from '../../src/services/clicks/clicksLoad.job';
import { testJobContext } from '../support/jobContext';
import { clickRow, openHarness, type Harness } from './support/harness';

describe('clicks-load job', () => {
  let h: Harness;
  let app: App;
  let job: ReturnType<typeof clicksLoadJob>;
  const enqueued: { type: unknown; params: unknown; key?: string }[] = [];

  beforeEach(async () => {
    h = await openHarness();
    enqueued.length = 0;
    app = {
      config: loadConfig({}),
      logger: createLogger({ level: 'silent' }),
      store: h.store,
      db: h.db,
      metrics: new Registry(),
      ports: { sfmc: h.sfmc, queue: h.queue },
      jobs: {
        async enqueue(type: unknown, params: unknown, options?: { idempotencyKey?: string }) {
          enqueued.push({ type, params, key: options?.idempotencyKey });
          return { _id: `job-${enqueued.length}` } as JobRecord;
        },
      },
    } as unknown as App;
    job = clicksLoadJob(servicesFor(app, clicksFeature).pipeline, app.jobs);
  });
  afterEach(() => h.close());

  it('without a business unit, starts one job per unit (with the same since)', async () => {
    await h.sfmc.appendRows!('NA', [clickRow()]);
    await h.sfmc.appendRows!('EU', [clickRow()]);
    const result = await job.perform({ since: '2026-03-01T00:00:00Z' }, testJobContext({ jobId: 'tick-1' }));
    expect(result).toEqual({
      enqueued: [
        { bu: 'EU', jobId: 'job-1' },
        { bu: 'NA', jobId: 'job-2' },
      ],
    });
    expect(enqueued).toEqual([
      { type: 'clicks-load', params: { bu: 'EU', since: '2026-03-01T00:00:00Z' }, key: 'clicks-load:EU:tick-1' },
      { type: 'clicks-load', params: { bu: 'NA', since: '2026-03-01T00:00:00Z' }, key: 'clicks-load:NA:tick-1' },
    ]);
  });

  it('loads one unit, reporting progress and stats', async () => {
    await h.sfmc.appendRows!('NA', [clickRow(), clickRow(), clickRow()]);
    const ctx = testJobContext();
    const result = await job.perform({ bu: 'NA' }, ctx);
    expect(result).toMatchObject({ bu: 'NA', rows: 3, pages: 1 });
    expect(ctx.recorded.stats).toMatchObject({ rows: 3, pages: 1, messages: 1 });
    expect(ctx.recorded.progress.at(-1)).toEqual({ fraction: 0.99, message: '3 rows queued' });
  });

  it('fails at once for a unit that does not exist', async () => {
    await expect(job.perform({ bu: 'Nowhere' }, testJobContext())).rejects.toMatchObject({
      name: 'PermanentJobError',
      code: 'BAD_USER_INPUT',
    });
  });

  it('rejects bad params', () => {
    expect(job.params.safeParse({ bu: 'NA', since: 'yesterday' }).success).toBe(false);
    expect(job.params.safeParse({ bu: null, since: null }).success).toBe(true);
  });
});
