import { randomUUID } from 'node:crypto';
import { MAX_DELAY_SECONDS, type QueueMessage } from '../datasources/queue';
import type { Logger } from '../logger';
import { backoffMs } from './backoff';
import { describeJobError, JobTimeoutError } from './jobErrors';
import { decodeJobMessage } from './jobMessage';
import type { JobMetrics } from './jobMetrics';
import type { JobStore } from './jobStore';
import {
  JobCancelledError,
  PermanentJobError,
  type ConsumerResult,
  type JobContext,
  type JobRecord,
  type JobType,
} from './jobType';

export const DEFAULT_ATTEMPTS = 3;
export const DEFAULT_BACKOFF_MS = 1000;
export const DEFAULT_TIMEOUT_MS = 15 * 60 * 1000;
/** The longest delay a queue message can carry (SQS's); longer waits go through the dispatcher. */
export const MAX_MESSAGE_DELAY_SECONDS = MAX_DELAY_SECONDS;
/** How long a message whose job cannot be found yet is delivered again before it is dropped. */
const NOT_YET_STORED_GRACE_MS = 60_000;

export interface JobRunnerDeps {
  store: JobStore;
  types: Map<string, JobType>;
  logger: Logger;
  metrics: JobMetrics;
  /** Visibility timeout of job messages; a run that missed heartbeats for half of it is dead. */
  visibilitySeconds: number;
}

/** Handles one job message: decides whether it runs, runs it, and says what to do with the message. */
export async function handleJobMessage(
  deps: JobRunnerDeps,
  message: QueueMessage,
  stopping: AbortSignal,
): Promise<ConsumerResult> {
  const jobId = decodeJobMessage(message.body);
  if (!jobId) {
    deps.logger.error({ messageId: message.id }, 'not a job message; dead-lettered');
    return { deadLetter: [message] };
  }
  const runId = randomUUID();
  const staleBefore = new Date(Date.now() - (deps.visibilitySeconds * 1000) / 2);
  // The common case in one write: a due, queued job. Everything else reads the job first.
  const claimed = await deps.store.claim(jobId, runId, staleBefore, message.id);
  if (claimed) return runIfPossible(deps, claimed, runId, message, stopping);
  const job = await deps.store.get(jobId);
  if (!job) return maybeNotYetStored(message);
  if (job.cancelRequested) {
    const cancelled = await deps.store.cancelAbandoned(jobId, staleBefore);
    return cancelled || job.status !== 'RUNNING' ? {} : { keep: [message] };
  }
  if (job.status === 'QUEUED' && job.runAt) {
    const early = (job.runAt.getTime() - Date.now()) / 1000;
    return { retry: [{ message, delaySeconds: Math.min(MAX_MESSAGE_DELAY_SECONDS, Math.max(1, early)) }] };
  }
  if (job.status === 'QUEUED') {
    // Stored between the claim and the read: claim it now, or look again shortly.
    const late = await deps.store.claim(jobId, runId, staleBefore, message.id);
    return late ? runIfPossible(deps, late, runId, message, stopping) : { retry: [{ message, delaySeconds: 1 }] };
  }
  if (job.status === 'RUNNING') return job.messageId === message.id ? { keep: [message] } : {};
  if (job.status === 'FAILED' && job.deadLetteredAt) {
    const redriven = await deps.store.claimRedriven(jobId, runId, message.id);
    if (redriven) return runIfPossible(deps, redriven, runId, message, stopping);
  }
  // Finished: a duplicate or late message.
  return {};
}

/**
 * enqueue() sends a job's message along with the job's insert, so the message can arrive first
 * (another store, or a commit that came later): look again shortly. A message older than that
 * is for a job whose insert failed, and is dropped.
 */
function maybeNotYetStored(message: QueueMessage): ConsumerResult {
  const young = Date.now() - message.sentAt.getTime() < NOT_YET_STORED_GRACE_MS;
  return young ? { retry: [{ message, delaySeconds: 1 }] } : {};
}

async function runIfPossible(
  deps: JobRunnerDeps,
  claimed: JobRecord,
  runId: string,
  message: QueueMessage,
  stopping: AbortSignal,
): Promise<ConsumerResult> {
  const type = deps.types.get(claimed.type);
  if (!type)
    return failRun(deps, claimed, runId, message, {
      message: `No job type ${claimed.type} in this service`,
      code: 'UNKNOWN_JOB_TYPE',
    });
  if (claimed.attempts > claimed.maxAttempts) {
    const reason = `Its worker stopped during each of its ${claimed.maxAttempts} attempts`;
    return failRun(deps, claimed, runId, message, { message: reason, code: 'JOB_ATTEMPTS_EXHAUSTED' });
  }
  return runClaimed(deps, claimed, type, runId, message, stopping);
}

async function runClaimed(
  deps: JobRunnerDeps,
  job: JobRecord,
  type: JobType,
  runId: string,
  message: QueueMessage,
  stopping: AbortSignal,
): Promise<ConsumerResult> {
  const logger = deps.logger.child({ jobId: job._id, jobType: job.type, attempt: job.attempts });
  const run = new RunControl(deps, job, runId, type.options?.timeoutMs ?? DEFAULT_TIMEOUT_MS, stopping);
  const startedAt = Date.now();
  deps.metrics.started(job.type);
  const seconds = () => (Date.now() - startedAt) / 1000;
  try {
    const params = type.params.safeParse(job.params);
    // Checked at enqueue; failing now means the type's schema changed since: retrying cannot help.
    if (!params.success)
      throw new PermanentJobError(`The stored params no longer fit ${job.type}: ${params.error.message}`, 'BAD_PARAMS');
    const result = await run.race(type.perform(params.data, run.context(logger)));
    const finished = await deps.store.finish(job._id, runId, 'SUCCEEDED', {
      result: result ?? null,
      progress: { fraction: 1 },
    });
    deps.metrics.ended(job.type, 'SUCCEEDED', seconds());
    logger.info({ ms: Math.round(seconds() * 1000) }, 'job succeeded');
    return finished ? {} : { keep: [message] };
  } catch (error) {
    const outcome = await settleFailure(deps, job, runId, message, run, error, logger);
    deps.metrics.ended(job.type, outcome.status, seconds());
    return outcome.result;
  } finally {
    run.dispose();
  }
}

async function settleFailure(
  deps: JobRunnerDeps,
  job: JobRecord,
  runId: string,
  message: QueueMessage,
  run: RunControl,
  error: unknown,
  logger: Logger,
): Promise<{ status: JobRecord['status']; result: ConsumerResult }> {
  if (run.stopReason === 'stopping') {
    await deps.store.release(job._id, runId);
    return { status: 'QUEUED', result: { keep: [message] } };
  }
  if (run.stopReason === 'superseded') return { status: 'RUNNING', result: { keep: [message] } };
  if (run.stopReason === 'cancelled' || error instanceof JobCancelledError) {
    await deps.store.finish(job._id, runId, 'CANCELLED', {});
    return { status: 'CANCELLED', result: {} };
  }
  const described = describeJobError(run.stopReason === 'timeout' ? run.stopError : error);
  const { permanent, ...jobError } = described;
  logger.warn({ err: error, code: jobError.code }, 'job attempt failed');
  if (permanent || job.attempts >= job.maxAttempts) {
    return { status: 'FAILED', result: await failRun(deps, job, runId, message, jobError) };
  }
  const type = deps.types.get(job.type);
  const delayMs = backoffMs(type?.options?.backoffMs ?? DEFAULT_BACKOFF_MS, job.attempts);
  await deps.store.retryLater(job._id, runId, jobError, new Date(Date.now() + delayMs));
  return { status: 'QUEUED', result: { retry: [{ message, delaySeconds: delayMs / 1000 }] } };
}

/** Final failure: FAILED with the reason, message to the dead-letter queue (redrive runs it again). */
async function failRun(
  deps: JobRunnerDeps,
  job: JobRecord,
  runId: string,
  message: QueueMessage,
  error: { message: string; code: string },
): Promise<ConsumerResult> {
  await deps.store.finish(job._id, runId, 'FAILED', { error, deadLetteredAt: new Date() });
  deps.logger.error({ jobId: job._id, jobType: job.type, code: error.code }, `job failed: ${error.message}`);
  return { deadLetter: [message] };
}

type StopReason = 'cancelled' | 'superseded' | 'timeout' | 'stopping';

/** The signal, heartbeat, timeout and context of one run. */
class RunControl {
  stopReason: StopReason | null = null;
  /** Why the run was stopped, made only then: an Error's stack costs every run otherwise. */
  stopError: Error | undefined;
  private readonly controller = new AbortController();
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly onStopping = () => this.stop('stopping');

  constructor(
    private readonly deps: JobRunnerDeps,
    private readonly job: JobRecord,
    private readonly runId: string,
    timeoutMs: number,
    private readonly stopping: AbortSignal,
  ) {
    this.timers.push(setTimeout(() => this.stop('timeout', timeoutMs), timeoutMs));
    const heartbeatMs = Math.max(50, (deps.visibilitySeconds * 1000) / 3);
    this.timers.push(setInterval(() => void this.heartbeat(), heartbeatMs));
    if (stopping.aborted) this.stop('stopping');
    else stopping.addEventListener('abort', this.onStopping, { once: true });
  }

  context(logger: Logger): JobContext {
    return {
      jobId: this.job._id,
      attempt: this.job.attempts,
      logger,
      signal: this.controller.signal,
      progress: async (fraction, message) => {
        if (!this.stopReason) {
          const state = await this.deps.store.progress(this.job._id, this.runId, fraction, message);
          if (state !== 'ok') this.stop(state);
        }
        if (this.stopReason) throw new JobCancelledError();
      },
      setStats: (stats) => this.deps.store.setStats(this.job._id, this.runId, stats),
    };
  }

  /** Settles with the job's outcome, or rejects as soon as the run is stopped. */
  race<T>(work: Promise<T>): Promise<T> {
    const stopped = new Promise<never>((_, reject) => {
      const signal = this.controller.signal;
      if (signal.aborted) reject(signal.reason);
      signal.addEventListener('abort', () => reject(signal.reason), { once: true });
    });
    // A perform() that ignores the signal keeps running, but its writes through the context
    // are refused from now on, and its outcome is no longer awaited.
    work.catch(() => undefined);
    return Promise.race([work, stopped]);
  }

  dispose(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.stopping.removeEventListener('abort', this.onStopping);
  }

  private stop(reason: StopReason, timeoutMs?: number): void {
    if (this.stopReason) return;
    this.stopReason = reason;
    this.stopError = reason === 'timeout' ? new JobTimeoutError(timeoutMs!) : new JobCancelledError();
    this.controller.abort(this.stopError);
  }

  private async heartbeat(): Promise<void> {
    try {
      const state = await this.deps.store.heartbeat(this.job._id, this.runId);
      if (state !== 'ok') this.stop(state);
    } catch (error) {
      this.deps.logger.warn({ err: error, jobId: this.job._id }, 'job heartbeat failed');
    }
  }
}
