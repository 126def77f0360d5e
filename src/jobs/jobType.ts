import type { z } from 'zod';
import type { QueueMessage } from '../datasources/queue/port';
import type { Logger } from '../logger';

export type JobStatus = 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED';
export type JobTrigger = 'MANUAL' | 'SCHEDULE' | 'EVENT';

/** What a running job can tell and ask the runner. */
export interface JobContext {
  jobId: string;
  /** 1 on the first run. */
  attempt: number;
  logger: Logger;
  /** Aborted when the job is cancelled or times out; pass it to long I/O. */
  signal: AbortSignal;
  /**
   * Reports progress (0..1) and a message. Also the cancellation check: it throws
   * JobCancelledError when the job was cancelled meanwhile.
   */
  progress(fraction: number, message?: string): Promise<void>;
  /** Merges counters into the job's stats (values replace the stored ones). */
  setStats(stats: Record<string, number>): Promise<void>;
}

export interface JobTypeOptions {
  /** Queue the job's messages go to (default "jobs"). */
  queue?: string;
  /** Runs at most this many times before FAILED (default 3). */
  attempts?: number;
  /** First retry delay; doubles each attempt, with jitter (default 1000 ms). */
  backoffMs?: number;
  /** A run longer than this is aborted and counts as a failed attempt (default 15 min). */
  timeoutMs?: number;
}

/**
 * One kind of background work: a name, validated params and perform().
 * perform() must be idempotent: delivery is at least once.
 */
export interface JobType<P = unknown, R = unknown> {
  name: string;
  params: z.ZodType<P>;
  options?: JobTypeOptions;
  perform(params: P, context: JobContext): Promise<R>;
}

/** Thrown by perform() for failures that a retry cannot fix: the job fails at once. */
export class PermanentJobError extends Error {
  constructor(
    message: string,
    readonly code = 'JOB_FAILED',
  ) {
    super(message);
    this.name = 'PermanentJobError';
  }
}

export class JobCancelledError extends Error {
  constructor() {
    super('The job was cancelled');
    this.name = 'JobCancelledError';
  }
}

export interface EnqueueOptions {
  trigger?: JobTrigger;
  requestedBy?: string;
  /** Unique: a second enqueue with the same key returns the existing job. */
  idempotencyKey?: string;
  delaySeconds?: number;
  /** The schedule whose tick enqueued the job (set by the scheduler). */
  schedule?: string;
  /**
   * Where the params came from in the caller's input, to name the bad field in BAD_USER_INPUT
   * (e.g. "input" gives "input.date"). Default: the params' own field names.
   */
  inputName?: string;
}

/** The stored job, as services and resolvers see it. */
export interface JobRecord {
  _id: string;
  type: string;
  params: unknown;
  status: JobStatus;
  progress: { fraction: number; message?: string };
  stats: Record<string, number>;
  result?: unknown;
  error?: { message: string; code: string };
  attempts: number;
  maxAttempts: number;
  trigger: JobTrigger;
  requestedBy?: string;
  idempotencyKey?: string;
  createdAt: Date;
  startedAt?: Date;
  finishedAt?: Date;
  cancelRequested?: boolean;
  /** The queue its messages go to (the type's options.queue). */
  queue?: string;
  /** Not run before this time (enqueue with delaySeconds). */
  runAt?: Date;
  /** Set once its message is on the queue; the dispatcher re-sends jobs left without one. */
  dispatchedAt?: Date;
  /** Identifies the current run; writes of an older, abandoned run are ignored. */
  runId?: string;
  /** The queue message the current run came from. */
  messageId?: string;
  /** Last sign of life of the current run; a stale one lets another worker take the job over. */
  heartbeatAt?: Date;
  /** Set when its message went to the dead-letter queue; a redriven message runs it again. */
  deadLetteredAt?: Date;
  schedule?: string;
  updatedAt?: Date;
}

/** What the rest of the service uses to start and manage jobs. */
export interface Jobs {
  register(type: JobType): void;
  /** Validates params (BAD_USER_INPUT naming the field, nothing enqueued) and enqueues. */
  enqueue<P>(type: JobType<P> | string, params: P, options?: EnqueueOptions): Promise<JobRecord>;
  get(id: string): Promise<JobRecord | null>;
  cancel(id: string): Promise<JobRecord>;
  retry(id: string, requestedBy?: string): Promise<JobRecord>;
  /**
   * Runs `options.handler` on batches of messages of `queue`, for pipelines with their own
   * queues. Started with the job system (or at once if it runs already), stopped with it.
   */
  consume(queue: string, options: ConsumerOptions): Consumer;
  /** Every schedule: the cron in force, whether it fires, next run and last tick. */
  schedules(): Promise<ScheduleView[]>;
  /** The most recent job of each named schedule (null for a schedule that never enqueued one). */
  latestOfSchedules(names: readonly string[]): Promise<(JobRecord | null)[]>;
  /** Every change of the watched jobs, written by any instance, until the iterator is returned. */
  watch(watch: JobWatch): AsyncIterableIterator<JobRecord>;
  /** The queues job types use (the dead-letter queries accept these and pipelines' queues). */
  queues(): string[];
}

/** Which jobs a watcher follows: one job by id, the jobs of one type, or (neither) every job. */
export interface JobWatch {
  id?: string;
  type?: string | null;
}

/** A pipeline's worker on its own queue (see src/jobs/index.ts for the rules). */
export interface ConsumerOptions {
  /** Handler calls running at once (default 1). */
  concurrency?: number;
  /** Messages per handler call, 1..10 (default 10). */
  batchSize?: number;
  /** How long received messages stay invisible; extended while the handler runs (default 60 s). */
  visibilityTimeoutSeconds?: number;
  /** Long poll wait per receive (default JOB_POLL_WAIT_SECONDS). */
  waitSeconds?: number;
  /** First redelivery delay after a thrown error; doubles per receive, with jitter (default 1 s). */
  backoffMs?: number;
  handler(messages: QueueMessage[], context: ConsumerContext): Promise<ConsumerResult | void>;
}

export interface ConsumerContext {
  logger: Logger;
  /** Aborted when the service stops past its grace period; the messages are then released. */
  signal: AbortSignal;
}

/**
 * What to do with a handled batch. Messages named nowhere are deleted. A thrown error leaves
 * the whole batch for redelivery with backoff; past the queue's maxReceiveCount they dead-letter.
 */
export interface ConsumerResult {
  /** Deliver again after `delaySeconds` (default: backoff by receive count). */
  retry?: { message: QueueMessage; delaySeconds?: number }[];
  /** Move to the dead-letter queue now (poison: retrying cannot help). */
  deadLetter?: QueueMessage[];
  /** Leave untouched: it becomes visible again when its visibility timeout ends. */
  keep?: QueueMessage[];
}

export interface Consumer {
  readonly queue: string;
  /** Stops receiving, waits for running batches (up to the job system's stop timeout). */
  stop(): Promise<void>;
}

/** A schedule: data, run exactly once per tick across instances by enqueueing a Job. */
export interface ScheduleDefinition {
  /** UPPER_SNAKE name; CRON_<NAME> overrides the expression ("off" disables it). */
  name: string;
  cron: string;
  jobType: string;
  params?: unknown;
  description?: string;
  /**
   * Off until configured: fires only when CRON_<NAME> is set, to `on` (the default expression)
   * or to an expression of its own.
   */
  optIn?: boolean;
}

/** A schedule as the `schedules` query shows it. */
export interface ScheduleView {
  name: string;
  description?: string;
  jobType: string;
  params?: unknown;
  /** The expression in force: the CRON_<NAME> override or the default; null when "off". */
  cron: string | null;
  defaultCron: string;
  enabled: boolean;
  /** Off until CRON_<NAME> turns it on. */
  optIn: boolean;
  /** False when no feature registers the job type: listed, never fired. */
  registered: boolean;
  nextRunAt: Date | null;
  lastTickAt: Date | null;
}
