import { Registry } from 'prom-client';
import type { ScheduleDefinition } from '../../src/jobs';
import { EmbeddedQueuePort, type QueuePort } from '../../src/datasources/queue';
import type { Db } from '../../src/datasources/store';
import { createJobSystem, type JobSystem, type JobSystemConfig, type JobType } from '../../src/jobs';
import { createLogger } from '../../src/logger';

/** Settings that keep tests short: 1 s visibility and long polls, a quick graceful stop. */
export const testJobConfig: JobSystemConfig = {
  JOB_WORKERS: true,
  JOB_CONCURRENCY: 4,
  SCHEDULES: false,
  JOB_POLL_WAIT_SECONDS: 1,
  JOB_VISIBILITY_TIMEOUT_SECONDS: 1,
  JOB_STOP_TIMEOUT_MS: 300,
  cronOverrides: {},
};

export interface TestJobSystem extends JobSystem {
  queue: QueuePort;
  metrics: Registry;
}

/** A job system on `db` with the embedded queue, started with `types` and `schedules`. */
export async function startJobSystem(
  db: Db,
  types: JobType<any, any>[],
  options: {
    config?: Partial<JobSystemConfig>;
    schedules?: ScheduleDefinition[];
    queue?: QueuePort;
    start?: boolean;
  } = {},
): Promise<TestJobSystem> {
  const queue = options.queue ?? new EmbeddedQueuePort(db, { pollIntervalMs: 50 });
  const metrics = new Registry();
  const system = createJobSystem({
    db,
    config: { ...testJobConfig, ...options.config },
    logger: createLogger({ level: 'silent' }),
    metrics,
    queue,
  });
  system.register(types);
  system.addSchedules(options.schedules ?? []);
  if (options.start ?? true) await system.start();
  return Object.assign(system, { queue, metrics });
}

/** Polls `check` until it returns a value other than undefined/false, or fails after `timeoutMs`. */
export async function waitFor<T>(
  check: () => Promise<T | undefined | false | null>,
  timeoutMs = 8000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false && value !== null) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
