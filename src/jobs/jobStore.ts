import { ObjectId, type Collection, type Db, type Filter } from '../datasources/store';
import type { JobRecord, JobStatus } from './jobType';

export const JOBS = 'jobs';
const DUPLICATE_KEY = 11000;

/** A message may arrive this much before its job's runAt (clock skew between instances). */
export const EARLY_TOLERANCE_MS = 1000;

export type RunState = 'ok' | 'cancelled' | 'superseded';

export interface JobError {
  message: string;
  code: string;
}

/**
 * Every write to the `jobs` collection. Writes of a run are guarded by its runId, so a run that
 * was given up (its worker stalled past the visibility timeout, or the service stopped) can
 * never overwrite the state written by the run that replaced it.
 */
export class JobStore {
  readonly collection: Collection<JobRecord>;

  constructor(db: Db) {
    this.collection = db.collection<JobRecord>(JOBS);
  }

  newId(): string {
    return new ObjectId().toHexString();
  }

  get(id: string): Promise<JobRecord | null> {
    return this.collection.findOne({ _id: id });
  }

  /** One indexed look-up per schedule (schedule, createdAt desc). */
  latestOfSchedules(names: readonly string[]): Promise<(JobRecord | null)[]> {
    return Promise.all(names.map((name) => this.collection.findOne({ schedule: name }, { sort: { createdAt: -1 } })));
  }

  /** Inserts the job, or returns the existing one holding the same idempotency key. */
  async insert(job: JobRecord): Promise<{ job: JobRecord; created: boolean }> {
    if (job.idempotencyKey) {
      const existing = await this.collection.findOne({ idempotencyKey: job.idempotencyKey });
      if (existing) return { job: existing, created: false };
    }
    try {
      await this.collection.insertOne(job);
      return { job, created: true };
    } catch (error) {
      if ((error as { code?: number }).code !== DUPLICATE_KEY || !job.idempotencyKey) throw error;
      const existing = await this.collection.findOne({ idempotencyKey: job.idempotencyKey });
      if (!existing) throw error;
      return { job: existing, created: false };
    }
  }

  async markDispatched(id: string, at = new Date()): Promise<void> {
    await this.collection.updateOne({ _id: id, status: 'QUEUED' }, { $set: { dispatchedAt: at } });
  }

  async unmarkDispatched(id: string): Promise<void> {
    await this.collection.updateOne({ _id: id, status: 'QUEUED' }, { $unset: { dispatchedAt: '' } });
  }

  /**
   * Jobs whose message must be (re)sent:
   * - not dispatched, untouched since `quietSince` (an enqueue or retry still between its write
   *   and its send is left alone), and due before `dueBefore`;
   * - or marked dispatched before `lostBefore`, due since then, and never started: the process
   *   died between its insert and its send. (A backlog that old gets duplicate messages, which
   *   the runner drops.)
   */
  undispatched(quietSince: Date, dueBefore: Date, lostBefore: Date, limit: number): Promise<JobRecord[]> {
    return this.collection
      .find(
        {
          status: 'QUEUED',
          $or: [
            { dispatchedAt: { $exists: false }, updatedAt: { $lt: quietSince }, runAt: { $not: { $gt: dueBefore } } },
            { dispatchedAt: { $lt: lostBefore }, attempts: 0, runAt: { $not: { $gt: lostBefore } } },
          ],
        },
        { sort: { createdAt: 1 }, limit },
      )
      .toArray();
  }

  /**
   * Takes the job for a run: a queued job that is due, or a running one whose worker stopped
   * heartbeating before `staleBefore` (it died; its message came back after the visibility
   * timeout). A live run is never taken over, a cancelled job never started.
   */
  async claim(
    id: string,
    runId: string,
    staleBefore: Date,
    messageId: string,
    now = new Date(),
  ): Promise<JobRecord | null> {
    const soon = new Date(now.getTime() + EARLY_TOLERANCE_MS);
    const update = {
      $set: { status: 'RUNNING' as const, runId, messageId, startedAt: now, heartbeatAt: now, updatedAt: now },
      $inc: { attempts: 1 },
    };
    // The usual job first, queued with no runAt: a filter without $or or $not, which the
    // embedded store tests without compiling it. Then every case, as one atomic condition.
    const queued = await this.collection.findOneAndUpdate(
      { _id: id, status: 'QUEUED', runAt: { $exists: false }, cancelRequested: { $ne: true } },
      update,
      { returnDocument: 'after' },
    );
    if (queued) return queued;
    return this.collection.findOneAndUpdate(
      {
        _id: id,
        cancelRequested: { $ne: true },
        $or: [
          { status: 'QUEUED', runAt: { $not: { $gt: soon } } },
          { status: 'RUNNING', heartbeatAt: { $lt: staleBefore } },
        ],
      },
      update,
      { returnDocument: 'after' },
    );
  }

  /** A failed job whose dead-lettered message was redriven runs again from its first attempt. */
  claimRedriven(id: string, runId: string, messageId: string, now = new Date()): Promise<JobRecord | null> {
    return this.collection.findOneAndUpdate(
      { _id: id, status: 'FAILED', deadLetteredAt: { $exists: true } },
      {
        $set: { status: 'RUNNING', runId, messageId, startedAt: now, heartbeatAt: now, updatedAt: now, attempts: 1 },
        $unset: { deadLetteredAt: '', error: '', finishedAt: '', result: '' },
      },
      { returnDocument: 'after' },
    );
  }

  /** A job cancelled while queued, or while its (now dead) worker ran it: ends as CANCELLED. */
  cancelAbandoned(id: string, staleBefore: Date): Promise<JobRecord | null> {
    const now = new Date();
    return this.collection.findOneAndUpdate(
      {
        _id: id,
        cancelRequested: true,
        $or: [{ status: 'QUEUED' }, { status: 'RUNNING', heartbeatAt: { $lt: staleBefore } }],
      },
      { $set: { status: 'CANCELLED', finishedAt: now, updatedAt: now } },
      { returnDocument: 'after' },
    );
  }

  /** Proves the run is alive; tells whether it should stop (cancelled or superseded). */
  async heartbeat(id: string, runId: string): Promise<RunState> {
    const job = await this.collection.findOneAndUpdate(
      { _id: id, runId, status: 'RUNNING' },
      { $set: { heartbeatAt: new Date() } },
      { projection: { cancelRequested: 1 } },
    );
    if (!job) return 'superseded';
    return job.cancelRequested ? 'cancelled' : 'ok';
  }

  /** Gives a run back to the queue without counting the attempt (graceful stop). */
  async release(id: string, runId: string): Promise<void> {
    await this.collection.updateOne(
      { _id: id, runId, status: 'RUNNING' },
      {
        $set: { status: 'QUEUED', updatedAt: new Date() },
        $inc: { attempts: -1 },
        $unset: { runId: '', heartbeatAt: '' },
      },
    );
  }

  /** Records progress; returns false when the run should stop (cancelled or superseded). */
  async progress(id: string, runId: string, fraction: number, message?: string): Promise<RunState> {
    const job = await this.collection.findOneAndUpdate(
      { _id: id, runId, status: 'RUNNING' },
      {
        $set: {
          progress: { fraction: Math.min(1, Math.max(0, fraction)), ...(message ? { message } : {}) },
          heartbeatAt: new Date(),
        },
      },
      { projection: { cancelRequested: 1 } },
    );
    if (!job) return 'superseded';
    return job.cancelRequested ? 'cancelled' : 'ok';
  }

  async setStats(id: string, runId: string, stats: Record<string, number>): Promise<void> {
    const fields = Object.fromEntries(Object.entries(stats).map(([key, value]) => [`stats.${key}`, value]));
    await this.collection.updateOne({ _id: id, runId }, { $set: { ...fields, updatedAt: new Date() } });
  }

  /** Ends a run; false when the run was superseded meanwhile. */
  async finish(id: string, runId: string, status: JobStatus, fields: Partial<JobRecord>): Promise<boolean> {
    const now = new Date();
    const result = await this.collection.updateOne(
      { _id: id, runId, status: 'RUNNING' },
      { $set: { ...fields, status, finishedAt: now, updatedAt: now } },
    );
    return result.matchedCount === 1;
  }

  /** A failed attempt that will be retried: back to QUEUED, keeping the error for the API. */
  async retryLater(id: string, runId: string, error: JobError, runAt: Date): Promise<boolean> {
    const result = await this.collection.updateOne(
      { _id: id, runId, status: 'RUNNING' },
      { $set: { status: 'QUEUED', error, runAt, updatedAt: new Date() } },
    );
    return result.modifiedCount === 1;
  }

  /** Cancels a job; a running one stops at its next progress check. */
  async requestCancel(id: string): Promise<JobRecord | null> {
    const now = new Date();
    const queued = await this.collection.findOneAndUpdate(
      { _id: id, status: 'QUEUED' },
      { $set: { status: 'CANCELLED', cancelRequested: true, finishedAt: now, updatedAt: now } },
      { returnDocument: 'after' },
    );
    if (queued) return queued;
    return this.collection.findOneAndUpdate(
      { _id: id, status: 'RUNNING' },
      { $set: { cancelRequested: true, updatedAt: now } },
      { returnDocument: 'after' },
    );
  }

  /** Puts a finished, unsuccessful job back in the queue as if new. */
  resetForRetry(id: string, requestedBy: string | undefined): Promise<JobRecord | null> {
    const now = new Date();
    const filter: Filter<JobRecord> = { _id: id, status: { $in: ['FAILED', 'CANCELLED'] } };
    return this.collection.findOneAndUpdate(
      filter,
      {
        $set: {
          status: 'QUEUED',
          attempts: 0,
          progress: { fraction: 0 },
          updatedAt: now,
          ...(requestedBy ? { requestedBy } : {}),
        },
        $unset: {
          error: '',
          result: '',
          finishedAt: '',
          startedAt: '',
          cancelRequested: '',
          dispatchedAt: '',
          deadLetteredAt: '',
          runAt: '',
          runId: '',
          heartbeatAt: '',
        },
      },
      { returnDocument: 'after' },
    );
  }
}
