import type { Registry } from 'prom-client';
import type { Config } from '../config';
import type { QueuePort } from '../datasources/queue';
import type { Db } from '../datasources/store';
import type { Logger } from '../logger';
import { Dispatcher } from './dispatcher';
import { createJobMetrics } from './jobMetrics';
import { DEFAULT_JOB_QUEUE, JobService, queueOf } from './jobService';
import { JobStore } from './jobStore';
import type { Consumer, ConsumerOptions, JobType, ScheduleDefinition, ScheduleView } from './jobType';
import { QueueConsumer } from './queueConsumer';
import { DEFAULT_ATTEMPTS, handleJobMessage } from './runJob';
import { Scheduler } from './scheduler';

export * from './jobType';
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
}

/**
 * The job system: `jobs` (app.jobs), job types, schedules and queue workers.
 *
 * Lifecycle (once per process): register(types) and addSchedules(defs), then start(): ensures the job
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
  register(types: JobType[]): void;
  addSchedules(definitions: readonly ScheduleDefinition[]): void;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createJobSystem(options: JobSystemOptions): JobSystem {
  const { db, config, logger, queue } = options;
  const store = new JobStore(db);
  const types = new Map<string, JobType>();
  const metrics = createJobMetrics(options.metrics, store.collection);
  const consumers: QueueConsumer[] = [];
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
  const ensureJobQueue = jobQueueEnsurer(queue, types, config.JOB_VISIBILITY_TIMEOUT_SECONDS);
  const jobQueues = () => [...new Set([DEFAULT_JOB_QUEUE, ...[...types.values()].map(queueOf)])];
  const listSchedules = (): Promise<ScheduleView[]> => scheduler.list();
  const jobs: JobService = new JobService({
    store,
    queue,
    logger,
    metrics,
    types,
    ensureJobQueue,
    consume,
    listSchedules,
    queues: jobQueues,
  });
  const scheduler = new Scheduler({ db, jobs, types, overrides: config.cronOverrides, logger });
  const dispatcher = new Dispatcher({ store, jobs, logger });
  const runner = { store, types, logger, metrics, visibilitySeconds: config.JOB_VISIBILITY_TIMEOUT_SECONDS };

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
            handler: (messages, context) => handleJobMessage(runner, messages[0], context.signal),
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
    },
  };
}

/**
 * Creates each job queue (and its dead-letter queue) once per process. The runner dead-letters
 * a job's message itself after the job's attempts; the queue's own maxReceiveCount is only the
 * backstop for a message that crashes every worker before the runner can.
 */
function jobQueueEnsurer(queue: QueuePort, types: Map<string, JobType>, visibilityTimeoutSeconds: number) {
  const ensured = new Map<string, Promise<void>>();
  return (queueName: string): Promise<void> => {
    let done = ensured.get(queueName);
    if (!done) {
      const attempts = [...types.values()]
        .filter((t) => queueOf(t) === queueName)
        .map((t) => t.options?.attempts ?? DEFAULT_ATTEMPTS);
      done = queue.ensureQueue(queueName, {
        deadLetter: true,
        maxReceiveCount: Math.max(DEFAULT_ATTEMPTS, ...attempts) + 5,
        visibilityTimeoutSeconds,
      });
      ensured.set(queueName, done);
      done.catch(() => ensured.delete(queueName));
    }
    return done;
  };
}
