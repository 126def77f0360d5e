import type { QueuePort } from '../datasources/queue';
import { badInput, conflict, fromZodError, notFound } from '../errors';
import type { Logger } from '../logger';
import { watchJobs } from './jobChanges';
import { encodeJobMessage } from './jobMessage';
import type { JobMetrics } from './jobMetrics';
import type { JobStore } from './jobStore';
import type {
  Consumer,
  ConsumerOptions,
  EnqueueOptions,
  JobRecord,
  JobType,
  Jobs,
  JobWatch,
  ScheduleView,
} from './jobType';
import { DEFAULT_ATTEMPTS, MAX_MESSAGE_DELAY_SECONDS } from './runJob';

export const DEFAULT_JOB_QUEUE = 'jobs';

export interface JobServiceDeps {
  store: JobStore;
  queue: QueuePort;
  logger: Logger;
  metrics: JobMetrics;
  types: Map<string, JobType>;
  /** Creates a job queue (with its dead-letter queue) before its first message. */
  ensureJobQueue(queue: string): Promise<void>;
  consume(queue: string, options: ConsumerOptions): Consumer;
  listSchedules(): Promise<ScheduleView[]>;
  queues(): string[];
}

export const queueOf = (type: JobType) => type.options?.queue ?? DEFAULT_JOB_QUEUE;

/** `app.jobs`: creates, reads, cancels and retries jobs; the runner does the rest. */
export class JobService implements Jobs {
  constructor(private readonly deps: JobServiceDeps) {}

  register(type: JobType): void {
    const known = this.deps.types.get(type.name);
    if (known && known !== type) throw new Error(`Job type ${type.name} is registered twice`);
    this.deps.types.set(type.name, type);
  }

  async enqueue<P>(typeOrName: JobType<P> | string, params: P, options: EnqueueOptions = {}): Promise<JobRecord> {
    const type = this.resolveType(typeOrName);
    const parsed = type.params.safeParse(params);
    if (!parsed.success) throw fromZodError(parsed.error, options.inputName ?? '');
    const delaySeconds = options.delaySeconds ?? 0;
    if (!Number.isFinite(delaySeconds) || delaySeconds < 0)
      throw badInput('delaySeconds: zero or more', 'delaySeconds');
    const now = new Date();
    const record: JobRecord = withoutUndefined({
      _id: this.deps.store.newId(),
      type: type.name,
      params: params ?? null,
      status: 'QUEUED',
      progress: { fraction: 0 },
      stats: {},
      attempts: 0,
      maxAttempts: type.options?.attempts ?? DEFAULT_ATTEMPTS,
      trigger: options.trigger ?? 'MANUAL',
      requestedBy: options.requestedBy,
      idempotencyKey: options.idempotencyKey,
      schedule: options.schedule,
      queue: queueOf(type),
      runAt: delaySeconds > 0 ? new Date(now.getTime() + delaySeconds * 1000) : undefined,
      // Due within the queue's longest delay: its message is sent right after the insert, so it
      // is marked dispatched in the same write (undone if the send fails). Later jobs wait for
      // the dispatcher.
      dispatchedAt: delaySeconds <= MAX_MESSAGE_DELAY_SECONDS ? now : undefined,
      createdAt: now,
      updatedAt: now,
    });
    // A job without an idempotency key cannot meet an existing one: its message is sent with
    // its insert, so both share a commit instead of waiting for one another. Should the message
    // arrive before the job is readable, the runner delivers it again shortly (runJob.ts).
    const sending = record.dispatchedAt && !record.idempotencyKey ? this.sendMessage(record) : undefined;
    const { job, created } = await this.deps.store.insert(record);
    if (!created) return job;
    this.deps.metrics.enqueued(job.type, job.trigger);
    if (sending) {
      if (!(await sending)) await this.deps.store.unmarkDispatched(job._id).catch(() => undefined);
    } else if (job.dispatchedAt) await this.dispatch(job);
    return job;
  }

  get(id: string): Promise<JobRecord | null> {
    return this.deps.store.get(id);
  }

  async cancel(id: string): Promise<JobRecord> {
    const job = await this.deps.store.requestCancel(id);
    if (job) return job;
    const current = await this.deps.store.get(id);
    if (!current) throw notFound('Job', id);
    throw conflict(`Job ${id} is ${current.status}; only QUEUED or RUNNING jobs can be cancelled`);
  }

  async retry(id: string, requestedBy?: string): Promise<JobRecord> {
    const job = await this.deps.store.resetForRetry(id, requestedBy);
    if (!job) {
      const current = await this.deps.store.get(id);
      if (!current) throw notFound('Job', id);
      throw conflict(`Job ${id} is ${current.status}; only FAILED or CANCELLED jobs can be retried`);
    }
    await this.dispatch(job);
    return (await this.deps.store.get(id)) ?? job;
  }

  consume(queue: string, options: ConsumerOptions): Consumer {
    return this.deps.consume(queue, options);
  }

  schedules(): Promise<ScheduleView[]> {
    return this.deps.listSchedules();
  }

  latestOfSchedules(names: readonly string[]): Promise<(JobRecord | null)[]> {
    return this.deps.store.latestOfSchedules(names);
  }

  watch(watch: JobWatch): AsyncIterableIterator<JobRecord> {
    return watchJobs(this.deps.store.collection, watch);
  }

  queues(): string[] {
    return this.deps.queues();
  }

  /**
   * Sends the job's message and records it (unless the job is marked already). A failure is
   * logged, not thrown: the job is stored, and the dispatcher sends messages of jobs left
   * undispatched.
   */
  async dispatch(job: JobRecord): Promise<void> {
    if (!(await this.sendMessage(job))) {
      if (job.dispatchedAt) await this.deps.store.unmarkDispatched(job._id).catch(() => undefined);
      return;
    }
    if (!job.dispatchedAt) await this.deps.store.markDispatched(job._id).catch(() => undefined);
  }

  /** Sends the job's message; false (logged) when the send failed. */
  private async sendMessage(job: JobRecord): Promise<boolean> {
    const queue = job.queue ?? DEFAULT_JOB_QUEUE;
    const delaySeconds = job.runAt ? Math.max(0, (job.runAt.getTime() - Date.now()) / 1000) : 0;
    try {
      await this.deps.ensureJobQueue(queue);
      await this.deps.queue.send(queue, {
        body: encodeJobMessage(job._id),
        delaySeconds: Math.min(MAX_MESSAGE_DELAY_SECONDS, delaySeconds),
      });
      return true;
    } catch (error) {
      this.deps.logger.error(
        { err: error, jobId: job._id, queue },
        'could not send the job message; the dispatcher will retry',
      );
      return false;
    }
  }

  private resolveType<P>(typeOrName: JobType<P> | string): JobType<P> {
    if (typeof typeOrName !== 'string') {
      if (!this.deps.types.has(typeOrName.name)) this.register(typeOrName);
      return typeOrName;
    }
    const type = this.deps.types.get(typeOrName);
    if (!type) throw badInput(`type: no job type named ${typeOrName}`, 'type');
    // by name the caller's P is unchecked: enqueue validates the params with the type's schema
    return type as JobType<P>;
  }
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
