import type { z } from 'zod';
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
  constructor(message: string, readonly code = 'JOB_FAILED') {
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
}

/** What the rest of the service uses to start and manage jobs. */
export interface Jobs {
  register(type: JobType<any, any>): void;
  /** Validates params (BAD_USER_INPUT naming the field, nothing enqueued) and enqueues. */
  enqueue<P>(type: JobType<P, any> | string, params: P, options?: EnqueueOptions): Promise<JobRecord>;
  get(id: string): Promise<JobRecord | null>;
  cancel(id: string): Promise<JobRecord>;
  retry(id: string, requestedBy?: string): Promise<JobRecord>;
}
