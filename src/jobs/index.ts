import type { Db } from 'mongodb';
import type { Registry } from 'prom-client';
import type { ScheduleDefinition } from '../app';
import type { Config } from '../config';
import type { QueuePort } from '../datasources/queue';
import type { Logger } from '../logger';
import { Dispatcher } from './dispatcher';
import { createJobMetrics } from './jobMetrics';
import { DEFAULT_JOB_QUEUE, JobService } from './jobService';
import { JobStore } from './jobStore';
import type { Consumer, ConsumerOptions, JobType } from './jobType';
import { QueueConsumer } from './queueConsumer';
import { handleJobMessage } from './runJob';
import { Scheduler } from './scheduler';
import { defaultSchedules } from './schedules';

export * from './jobType';
export type { ScheduleView } from './scheduler';
export { DEFAULT_JOB_QUEUE } from './jobService';

export type JobSystemConfig = Pick<
  Config,
  | 'JOB_WORKERS'
  | 'JOB_CONCURRENCY'
  | 'SCHEDULES'
  | 'JOB_POLL_WAIT_SECONDS'
  | 'JOB_VISIBILITY_TIMEOUT_SECONDS'
  | 'JOB_STOP_TIMEOUT_MS'
  | 'cronOverrides'
>;

export interface JobSystemOptions {
  db: Db;
  config: JobSystemConfig;
  logger: Logger;
  metrics: Registry;
  queue: QueuePort;
  /** Include the default schedules of src/jobs/schedules.ts (default true). */
  defaultSchedules?: boolean;
}

/**
 * The job system: `jobs` (app.jobs), job types, schedules and queue workers.
 *
 * Lifecycle: register(types) and addSchedules(defs) first, then start(): ensures the job
 * queues, starts one worker loop per job queue (JOB_CONCURRENCY jobs at once each; when
 * JOB_WORKERS is true), the dispatcher, and the schedules (when SCHEDULES is true). stop()
 * stops schedules and receiving, lets running jobs and batches finish for JOB_STOP_TIMEOUT_MS,
 * then releases their messages for another instance.
 *
 * Worker API for pipelines with their own queues (`jobs.consume`, also `app.jobs.consume`):
 *
 *   await app.ports.queue.ensureQueue('clicks-to-process', { maxReceiveCount: 5 });
 *   app.jobs.consume('clicks-to-process', {
 *     concurrency: 2,            // handler calls at once
 *     batchSize: 10,             // messages per call (1..10)
 *     visibilityTimeoutSeconds: 60,
 *     async handler(messages, { logger, signal }) {
 *       const bad = await processClicks(messages.map((m) => JSON.parse(m.body)), signal);
 *       return { deadLetter: bad };   // every message not named is deleted
 *     },
 *   });
 *
 * A thrown handler error redelivers the whole batch with backoff; after the queue's
 * maxReceiveCount receives a message goes to `<queue>-dlq`. Delivery is at least once:
 * handlers must be idempotent (upsert keys, unique indexes). Consumers created before start()
 * begin with it; after start() at once. All of them stop with stop().
 */
export interface JobSystem {
  jobs: JobService;
  register(types: JobType<any, any>[]): void;
  addSchedules(definitions: ScheduleDefinition[]): void;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createJobSystem(options: JobSystemOptions): JobSystem {
  const { db, config, logger, queue } = options;
  const store = new JobStore(db);
  const types = new Map<string, JobType<any, any>>();
  const metrics = createJobMetrics(options.metrics, store.collection);
  const consumers: QueueConsumer[] = [];
  const ensured = new Map<string, Promise<void>>();
  let started = false;

  const consume = (queueName: string, consumerOptions: ConsumerOptions): Consumer => {
    const consumer = new QueueConsumer(queueName, consumerOptions, {
      queue,
      logger: logger.child({ queue: queueName }),
      defaultWaitSeconds: config.JOB_POLL_WAIT_SECONDS,
      stopTimeoutMs: config.JOB_STOP_TIMEOUT_MS,
    });
    consumers.push(consumer);
    if (started) consumer.start();
    return consumer;
  };

  const ensureJobQueue = (queueName: string): Promise<void> => {
    let done = ensured.get(queueName);
    if (!done) {
      const attempts = [...types.values()].filter((t) => (t.options?.queue ?? DEFAULT_JOB_QUEUE) === queueName).map((t) => t.options?.attempts ?? 3);
      // The runner dead-letters a job's message itself after its attempts; the queue's own
      // limit is the backstop for messages that crash every worker before it can.
      done = queue.ensureQueue(queueName, {
        deadLetter: true,
        maxReceiveCount: Math.max(3, ...attempts) + 5,
        visibilityTimeoutSeconds: config.JOB_VISIBILITY_TIMEOUT_SECONDS,
      });
      ensured.set(queueName, done);
      done.catch(() => ensured.delete(queueName));
    }
    return done;
  };

  const jobQueues = () => [...new Set([DEFAULT_JOB_QUEUE, ...[...types.values()].map((t) => t.options?.queue ?? DEFAULT_JOB_QUEUE)])];
  const jobs: JobService = new JobService({
    store,
    queue,
    logger,
    metrics,
    types,
    ensureJobQueue,
    consume,
    listSchedules: () => scheduler.list(),
    queues: jobQueues,
  });
  const scheduler = new Scheduler({ db, jobs, types, overrides: config.cronOverrides, logger });
  const dispatcher = new Dispatcher({ store, jobs, logger });
  if (options.defaultSchedules ?? true) scheduler.add(defaultSchedules);

  return {
    jobs,
    register: (list) => list.forEach((type) => jobs.register(type)),
    addSchedules: (definitions) => scheduler.add(definitions),
    async start() {
      for (const queueName of jobQueues()) await ensureJobQueue(queueName);
      started = true;
      if (config.JOB_WORKERS) {
        for (const queueName of jobQueues()) {
          consume(queueName, {
            concurrency: config.JOB_CONCURRENCY,
            batchSize: 1,
            visibilityTimeoutSeconds: config.JOB_VISIBILITY_TIMEOUT_SECONDS,
            handler: (messages, context) =>
              handleJobMessage(
                { store, types, logger, metrics, visibilitySeconds: config.JOB_VISIBILITY_TIMEOUT_SECONDS },
                messages[0],
                context.signal,
              ),
          });
        }
        dispatcher.start();
      }
      for (const consumer of consumers) consumer.start();
      if (config.SCHEDULES) await scheduler.start();
    },
    async stop() {
      await scheduler.stop();
      dispatcher.stop();
      await Promise.all(consumers.map((consumer) => consumer.stop()));
      started = false;
    },
  };
}
