import { randomUUID } from 'node:crypto';
import { setTimeout } from 'node:timers/promises';
import type { ObjectStore } from '../../../datasources/objects/port';
import type { Db } from '../../../datasources/store';
import { badInput } from '../../../errors';
import { PermanentJobError, type JobRecord, type Jobs } from '../../../jobs/jobType';
import type { Logger } from '../../../logger';
import { RecordLease, type LeaseTiming } from '../../uploads/importLease';
import { FAN_RECORD_TYPES, type FanRecordType } from '../records';
import { AVRO_MERGE, AVRO_MERGE_MOVE, LAKE_MERGES, type LakeMergeDoc, type LakeMergeState } from './lakeModel';
import { lakeRecordType } from './lakePaths';
import { parseLakePrefix, previousPeriod, type LakePeriod } from './lakePrefix';
import { claimMerge, LakeMergeBusyError, releaseMerge, updateHeld, type MergeHold } from './mergeLease';
import { moveMerge } from './mergeMove';
import { planMerge, type SkippedLakeFile } from './mergePlan';
import { stageMerge } from './mergeStage';
import { verifyLake, type LakeVerification } from './lakeVerify';

export type LakeMergePeriod = 'DAILY' | 'MONTHLY';

export interface LakeMergeDeps {
  db: Db;
  objects: ObjectStore;
  jobs: Pick<Jobs, 'enqueue' | 'get'>;
  logger: Logger;
  /** Heartbeat and staleness of a run's hold on a merge (the job runner's, from JOB_VISIBILITY_TIMEOUT_SECONDS). */
  lease: LeaseTiming;
  /** FAN_LAKE_MERGE_TYPES: what the daily and monthly schedules merge. */
  mergeTypes: string;
}

/** What one merge run of a prefix did. */
export interface LakeMergeOutcome {
  recordType: FanRecordType;
  prefix: string;
  /** The merge this run planned and staged (its move job publishes it); null when none was needed. */
  mergeId: string | null;
  state: LakeMergeState | null;
  inputs: number;
  records: number | null;
  moveJobId: string | null;
  /** Why no merge was needed (nothing under the prefix, or it holds one merged file only). */
  nothing: string | null;
  /** Unfinished merges of the record type (a crashed run's) this run finished first. */
  finished: string[];
  /** Live files left in place: unreadable, or still being written by a lake flush. */
  skipped: SkippedLakeFile[];
}

/** How a run reports how far it got (the job's progress). */
export type MergeProgress = (fraction: number, message: string) => Promise<void>;

/** Plans before giving up when other runs keep opening merges of the same record type. */
const PLAN_ROUNDS = 3;

/**
 * Merges and archives of the lake (seed 004 mergeAvroFiles and moveMergedAvroFiles). A merge is
 * a manifest in `lakeMerges` taken through STAGING -> STAGED -> MOVING -> DONE, one open merge
 * per record type at a time; any run that finds an open merge nobody holds (its run was killed)
 * finishes it before anything else, so every crash ends in the same merge completed.
 */
export class LakeMerges {
  constructor(private readonly deps: LakeMergeDeps) {}

  private get merges() {
    return this.deps.db.collection<LakeMergeDoc>(LAKE_MERGES);
  }

  /**
   * Validates a merge request (mergeLake, `lake merge`) and enqueues its job. `period` alone
   * takes the UTC day or month before now; `prefix` names one (and must match `period` if both).
   */
  async request(
    input: { recordType: string; period?: LakeMergePeriod | null; prefix?: string | null },
    requestedBy?: string,
  ): Promise<JobRecord> {
    const recordType = lakeRecordType(input.recordType);
    const kind = input.period ? (input.period === 'DAILY' ? 'DAY' : 'MONTH') : null;
    if (!kind && !input.prefix) throw badInput('prefix: give a prefix (YYYY/MM/DD or YYYY/MM) or a period', 'prefix');
    const period = input.prefix ? parseLakePrefix(input.prefix) : previousPeriod(kind!, new Date());
    if (kind && period.kind !== kind) {
      throw badInput(`prefix: a ${input.period} merge takes ${kind === 'DAY' ? 'YYYY/MM/DD' : 'YYYY/MM'}`, 'prefix');
    }
    return this.deps.jobs.enqueue(AVRO_MERGE, { recordType, prefix: period.prefix }, { requestedBy });
  }

  /** The scheduled merges: every FAN_LAKE_MERGE_TYPES type, for the day or month before the job was created. */
  async scheduled(kind: 'daily' | 'monthly', jobId: string, progress?: MergeProgress): Promise<LakeMergeOutcome[]> {
    const names = this.deps.mergeTypes.split(',').map((name) => name.trim());
    const unknown = names.filter((name) => !isRecordType(name));
    if (unknown.length > 0) {
      throw new PermanentJobError(`FAN_LAKE_MERGE_TYPES: unknown record type ${unknown.join(', ')}`, 'BAD_USER_INPUT');
    }
    const createdAt = (await this.deps.jobs.get(jobId))?.createdAt ?? new Date();
    const period = previousPeriod(kind === 'daily' ? 'DAY' : 'MONTH', createdAt);
    const outcomes: LakeMergeOutcome[] = [];
    for (const name of names.filter(isRecordType)) outcomes.push(await this.mergePrefix(name, period, progress, jobId));
    return outcomes;
  }

  /**
   * Merges the live prefix: finishes any open merge of the record type first, then plans a new
   * one, stages it, and sends the move job its message. Throws LakeMergeBusyError (the job
   * retries) while another live run works on the record type.
   */
  async mergePrefix(
    recordType: FanRecordType,
    period: LakePeriod,
    progress?: MergeProgress,
    jobId: string | null = null,
  ): Promise<LakeMergeOutcome> {
    const finished: string[] = [];
    for (let round = 0; round < PLAN_ROUNDS; round += 1) {
      const open = await this.merges.findOne({ recordType, open: true });
      if (open) {
        await this.finish(open._id, progress);
        finished.push(open._id);
        continue;
      }
      const mergeId = randomUUID();
      const lease = new RecordLease(this.merges, mergeId, this.deps.lease);
      const plan = await planMerge(this.deps, recordType, period, { mergeId, jobId, lease: lease.fields() });
      if ('busy' in plan) continue;
      const outcome = { recordType, prefix: period.prefix, finished, skipped: plan.skipped, moveJobId: null };
      if ('nothing' in plan) return { ...outcome, mergeId: null, state: null, inputs: 0, records: null, ...plan };
      const hold: MergeHold = { merge: plan.merge, lease: lease.start() };
      try {
        await this.stage(hold, progress);
      } finally {
        await releaseMerge(this.merges, hold);
      }
      // Sent after the hold is released, so the move job can take the merge as soon as it runs.
      const moveJob = await this.deps.jobs.enqueue(
        AVRO_MERGE_MOVE,
        { mergeId },
        {
          trigger: 'EVENT',
          requestedBy: jobId ? `job:${jobId}` : undefined,
          idempotencyKey: `${AVRO_MERGE_MOVE}:${mergeId}`,
        },
      );
      const { inputs, records, state } = hold.merge;
      this.deps.logger.info(
        { mergeId, recordType, prefix: period.prefix, inputs: inputs.length, records },
        'lake merge staged',
      );
      return { ...outcome, mergeId, state, inputs: inputs.length, records, moveJobId: moveJob._id, nothing: null };
    }
    throw new Error(`lake merges of ${recordType} kept opening while planning ${period.prefix}; try again`);
  }

  /**
   * Takes an open merge to DONE (the move job's work, and any rerun's after a crash): stages it
   * if it never was, then moves. Returns false when it was done already; LakeMergeBusyError while
   * another live run holds it.
   */
  async finish(mergeId: string, progress?: MergeProgress): Promise<boolean> {
    const hold = await claimMerge(this.merges, mergeId, this.deps.lease);
    if (!hold) {
      const merge = await this.merges.findOne({ _id: mergeId });
      if (!merge) throw new PermanentJobError(`no lake merge ${mergeId}`, 'NOT_FOUND');
      if (merge.open) throw new LakeMergeBusyError(merge);
      return false;
    }
    try {
      if (hold.merge.state === 'STAGING') await this.stage(hold, progress);
      const total = hold.merge.inputs.length;
      await moveMerge(this.deps, hold, async (moved) => {
        await progress?.(0.5 + moved / total / 2, `${moved} of ${total} files archived`);
      });
      const { recordType, prefix, records } = hold.merge;
      this.deps.logger.info({ mergeId, recordType, prefix, records }, 'lake merge published');
      return true;
    } finally {
      await releaseMerge(this.merges, hold);
    }
  }

  /** `finish`, waiting out another live run's hold: returns once the merge is DONE (the CLI's merge). */
  async complete(mergeId: string, pollMs = 1000): Promise<void> {
    for (;;) {
      try {
        await this.finish(mergeId);
        return;
      } catch (error) {
        if (!(error instanceof LakeMergeBusyError)) throw error;
        await setTimeout(pollMs);
      }
    }
  }

  /** Counts of a prefix by the exactly-once rules (`lake verify`). */
  verify(recordType: FanRecordType, period: LakePeriod): Promise<LakeVerification> {
    return verifyLake(this.deps, recordType, period);
  }

  private async stage(hold: MergeHold, progress?: MergeProgress): Promise<void> {
    const total = hold.merge.inputs.length;
    const staged = await stageMerge(this.deps.objects, hold.merge, (done, records) =>
      progress
        ? progress((done / total) * 0.5, `${done} of ${total} files merged, ${records} records`)
        : Promise.resolve(),
    );
    await updateHeld(this.merges, hold, {
      state: 'STAGED',
      records: staged.records,
      inputs: hold.merge.inputs.map((input, index) => ({ ...input, records: staged.inputRecords[index]! })),
      stagedAt: new Date(),
    });
  }
}

const isRecordType = (name: string): name is FanRecordType => (FAN_RECORD_TYPES as readonly string[]).includes(name);
