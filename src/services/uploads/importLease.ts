import { randomUUID } from 'node:crypto';
import type { Collection, Document, Filter } from '../../datasources/store';

/** How often a long-running record proves its process alive, and after how much silence it is dead. */
export interface LeaseTiming {
  heartbeatMs: number;
  staleAfterMs: number;
}

/**
 * The job runner's rule for a live run (src/jobs/runJob.ts), from the same setting: a heartbeat
 * every third of JOB_VISIBILITY_TIMEOUT_SECONDS, dead after half of it without one.
 */
export const leaseTiming = (visibilitySeconds: number): LeaseTiming => ({
  heartbeatMs: Math.max(50, (visibilitySeconds * 1000) / 3),
  staleAfterMs: (visibilitySeconds * 1000) / 2,
});

/** JOB_VISIBILITY_TIMEOUT_SECONDS's default. */
export const DEFAULT_LEASE_TIMING = leaseTiming(60);

/** What a leased record stores: who holds it, and when that holder last proved alive. */
export interface Leased {
  _id: string;
  runId?: string | null;
  heartbeatAt?: Date | null;
}

/**
 * One process's hold on a long-running record (an import): its runId on the record, kept alive
 * by a heartbeat while the work runs. Every write of the work is guarded by `held`, so a holder
 * that was given up as dead (and whose record another process finished) changes nothing.
 */
export class RecordLease<T extends Leased> {
  readonly runId = randomUUID();
  private timer: NodeJS.Timeout | null = null;
  private lostHold = false;
  private confirmedAt = Date.now();

  constructor(
    private readonly collection: Collection<T>,
    readonly id: string,
    private readonly timing: LeaseTiming,
  ) {}

  /** The fields a new record is stored with. */
  fields(now = new Date()): { runId: string; heartbeatAt: Date } {
    return { runId: this.runId, heartbeatAt: now };
  }

  /** Matches the record only while this lease holds it. */
  get held(): Filter<T> {
    return { _id: this.id, runId: this.runId } as Filter<T>;
  }

  /** True once a heartbeat found the record held by another process. */
  get lost(): boolean {
    return this.lostHold;
  }

  /**
   * True when the hold may have been taken over: lost, or not confirmed by a heartbeat for as
   * long as another process waits before it takes a record over (a stalled process stops
   * writing before anyone could have finished its record).
   */
  get expired(): boolean {
    return this.lostHold || Date.now() - this.confirmedAt >= this.timing.staleAfterMs;
  }

  start(): this {
    this.confirmedAt = Date.now();
    this.timer ??= setInterval(() => void this.beat(), this.timing.heartbeatMs);
    this.timer.unref();
    return this;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private async beat(): Promise<void> {
    try {
      const beatAt = Date.now();
      const result = await this.collection.updateOne(this.held, {
        $set: { heartbeatAt: new Date(beatAt) },
      } as Document);
      if (result.matchedCount === 0) this.lostHold = true;
      else this.confirmedAt = beatAt;
    } catch {
      // a missed beat is retried at the next one; only silence past staleAfterMs gives the hold up
    }
  }
}

/**
 * Takes over the records matching `filter` whose holder stopped heartbeating (its process died):
 * each comes back with a started lease of this process, exactly once across processes.
 */
export async function takeOverStale<T extends Leased>(
  collection: Collection<T>,
  filter: Filter<T>,
  timing: LeaseTiming,
): Promise<{ record: T; lease: RecordLease<T> }[]> {
  const staleBefore = new Date(Date.now() - timing.staleAfterMs);
  const candidates = await collection.find({ ...filter, heartbeatAt: { $lt: staleBefore } } as Filter<T>).toArray();
  const taken: { record: T; lease: RecordLease<T> }[] = [];
  for (const candidate of candidates) {
    const lease = new RecordLease(collection, candidate._id, timing);
    const record = await collection.findOneAndUpdate(
      { _id: candidate._id, runId: candidate.runId ?? null, heartbeatAt: { $lt: staleBefore } } as Filter<T>,
      { $set: lease.fields() } as Document,
      { returnDocument: 'after' },
    );
    if (record) taken.push({ record: record as T, lease: lease.start() });
  }
  return taken;
}
