import { z } from 'zod';
import type { Db, Store } from '../../src/datasources/store';
import { applyFeatureIndexes } from '../../src/features';
import type { JobRecord, JobType } from '../../src/jobs';
import { CronTimes } from '../../src/jobs/cronTimes';
import { SCHEDULE_STATE } from '../../src/jobs/scheduler';
import { openTestStore } from '../support/store';
import { startJobSystem, type TestJobSystem } from './support';

const tick: JobType<{ source?: string }> = {
  name: 'tick',
  params: z.object({ source: z.string().optional() }),
  perform: async () => 'ticked',
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('schedules', () => {
  let store: Store;
  let db: Db;
  const running: TestJobSystem[] = [];
  const start = async (...args: Parameters<typeof startJobSystem>) => {
    const system = await startJobSystem(...args);
    running.push(system);
    return system;
  };
  const stopAll = async () => {
    for (const system of running.splice(0)) await system.stop();
  };
  const jobsOf = (schedule: string) => db.collection<JobRecord>('jobs').find({ schedule }).toArray();

  beforeEach(async () => {
    store = await openTestStore();
    db = store.db;
    await applyFeatureIndexes(db);
  });
  afterEach(async () => {
    await stopAll();
    await store.close();
  });

  it('makes exactly one Job per tick with two instances on one store', async () => {
    const everySecond = [{ name: 'EVERY_SECOND', cron: '* * * * * *', jobType: 'tick', params: { source: 'cron' } }];
    const options = { config: { SCHEDULES: true, JOB_WORKERS: false }, schedules: everySecond };
    await Promise.all([start(db, [tick], options), start(db, [tick], options)]);
    await sleep(3200);
    await stopAll();
    const jobs = await jobsOf('EVERY_SECOND');
    const keys = jobs.map((job) => job.idempotencyKey);
    expect(new Set(keys).size).toBe(jobs.length);
    expect(jobs.length).toBeGreaterThanOrEqual(2);
    for (const job of jobs) {
      expect(job).toMatchObject({
        type: 'tick',
        trigger: 'SCHEDULE',
        params: { source: 'cron' },
        requestedBy: 'schedule:EVERY_SECOND',
      });
      expect(job.idempotencyKey).toMatch(/^tick@EVERY_SECOND@\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/);
    }
  });

  it('runs a tick missed while no instance ran once at start-up, not once per missed tick', async () => {
    const hourly = [{ name: 'HOURLY', cron: '0 * * * *', jobType: 'tick' }];
    const options = { config: { SCHEDULES: true, JOB_WORKERS: false }, schedules: hourly };
    await db
      .collection(SCHEDULE_STATE)
      .insertOne({ _id: 'HOURLY' as never, lastTickAt: new Date(Date.now() - 3 * 3_600_000) });
    await start(db, [tick], options);
    await stopAll();
    await start(db, [tick], options);
    await stopAll();
    const jobs = await jobsOf('HOURLY');
    expect(jobs).toHaveLength(1);
    const expectedTick = new CronTimes('0 * * * *').previous(new Date())!;
    expect(jobs[0].idempotencyKey).toBe(`tick@HOURLY@${expectedTick.toISOString()}`);
  });

  it('records the first start of a schedule without running a tick', async () => {
    await start(db, [tick], {
      config: { SCHEDULES: true, JOB_WORKERS: false },
      schedules: [{ name: 'DAILY', cron: '0 6 * * *', jobType: 'tick' }],
    });
    expect(await jobsOf('DAILY')).toHaveLength(0);
    expect(await db.collection(SCHEDULE_STATE).findOne({ _id: 'DAILY' as never })).toMatchObject({
      lastTickAt: expect.any(Date),
    });
  });

  it('lists every schedule: overridden, disabled, and not fired for want of a job type', async () => {
    const system = await start(db, [tick], {
      config: { SCHEDULES: true, JOB_WORKERS: false, cronOverrides: { OFTEN: '*/10 * * * *', NEVER: 'off' } },
      schedules: [
        { name: 'OFTEN', cron: '0 6 * * *', jobType: 'tick' },
        { name: 'NEVER', cron: '0 6 * * *', jobType: 'tick' },
        { name: 'ORPHAN', cron: '0 6 * * *', jobType: 'not-registered' },
      ],
    });
    const schedules = await system.jobs.schedules();
    const byName = new Map(schedules.map((s) => [s.name, s]));
    expect(byName.get('OFTEN')).toMatchObject({
      cron: '*/10 * * * *',
      defaultCron: '0 6 * * *',
      enabled: true,
      registered: true,
    });
    expect(byName.get('OFTEN')!.nextRunAt!.getUTCMinutes() % 10).toBe(0);
    expect(byName.get('NEVER')).toMatchObject({ cron: null, enabled: false, nextRunAt: null });
    expect(byName.get('ORPHAN')).toMatchObject({ enabled: true, registered: false, nextRunAt: null });
    expect(await db.collection(SCHEDULE_STATE).findOne({ _id: 'ORPHAN' as never })).toBeNull();
  });

  it('refuses to start with a CRON_ override that is not a cron expression, naming it', async () => {
    const system = await startJobSystem(db, [tick], {
      start: false,
      config: { SCHEDULES: true, cronOverrides: { BROKEN: 'every now and then' } },
      schedules: [{ name: 'BROKEN', cron: '0 6 * * *', jobType: 'tick' }],
    });
    await expect(system.start()).rejects.toThrow(/CRON_BROKEN/);
    await system.stop();
  });
});
