import { z } from 'zod';
import type { JobContext, JobType } from '../../../jobs/jobType';
import { FAN_RECORD_TYPES } from '../records';
import { AVRO_MERGE, AVRO_MERGE_MOVE } from './lakeModel';
import { parseLakePrefix } from './lakePrefix';
import type { LakeMergeOutcome, LakeMerges, MergeProgress } from './lakeMerges';

/** The schedules' `{ type }`, or one record type and prefix (mergeLake, `lake merge`). */
export const avroMergeParams = z.union([
  z.object({ type: z.enum(['daily', 'monthly']) }).strict(),
  z
    .object({
      recordType: z.enum(FAN_RECORD_TYPES),
      prefix: z.string().regex(/^\d{4}\/\d{2}(\/\d{2})?$/, 'YYYY/MM/DD or YYYY/MM'),
    })
    .strict(),
]);
export type AvroMergeParams = z.infer<typeof avroMergeParams>;

export const avroMergeMoveParams = z.object({ mergeId: z.string().min(1) }).strict();

const progressOf =
  (ctx: JobContext): MergeProgress =>
  (fraction, message) =>
    ctx.progress(Math.min(0.99, fraction), message);

/**
 * mergeAvroFiles: stages the merge of a prefix (or of the day or month before, for every
 * FAN_LAKE_MERGE_TYPES type) and sends the move job its message. A run that finds another
 * run's merge open and alive fails this attempt; the retry comes after that run is done.
 */
export function avroMergeJob(merges: LakeMerges): JobType<AvroMergeParams, { merges: LakeMergeOutcome[] }> {
  return {
    name: AVRO_MERGE,
    params: avroMergeParams,
    options: { attempts: 8, backoffMs: 15_000, timeoutMs: 2 * 60 * 60_000 },
    async perform(params, ctx) {
      if ('type' in params) return { merges: await merges.scheduled(params.type, ctx.jobId, progressOf(ctx)) };
      const period = parseLakePrefix(params.prefix);
      return { merges: [await merges.mergePrefix(params.recordType, period, progressOf(ctx), ctx.jobId)] };
    },
  };
}

/** moveMergedAvroFiles: archives a staged merge's inputs, then publishes its merged file. */
export function avroMergeMoveJob(merges: LakeMerges): JobType<z.infer<typeof avroMergeMoveParams>, { moved: boolean }> {
  return {
    name: AVRO_MERGE_MOVE,
    params: avroMergeMoveParams,
    options: { attempts: 10, backoffMs: 5_000, timeoutMs: 2 * 60 * 60_000 },
    async perform({ mergeId }, ctx) {
      return { moved: await merges.finish(mergeId, progressOf(ctx)) };
    },
  };
}
