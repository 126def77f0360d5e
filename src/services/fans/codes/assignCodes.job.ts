import { z } from 'zod';
import type { ObjectStore } from '../../../datasources/objects/port';
import { PermanentJobError, type JobContext, type JobType } from '../../../jobs/jobType';
import { readRowBatches } from '../../uploads/readRows';
import type { UploadLimits } from '../../uploads/uploadLimits';
import type { CodeAssignmentRecord, RecordOutcome } from '../records';
import { assignmentRecord, rowAssignment, type AssignmentInput } from './assignmentRows';
import { MAX_LISTED_REJECTS } from './uploadCodes.job';

export const FAN_CODES_ASSIGN_JOB = 'fan-codes-assign';

/** Records handed to the pipeline at once (it works through them in FAN_ASSIGN_BATCH_SIZE batches). */
const CHUNK = 500;

const text = z.string().max(1000).nullish();

export const assignmentInputSchema = z
  .object({
    userId: text,
    email: text,
    code: text,
    codeKind: z.enum(['NON_TM', 'TM', 'OFFER']).nullish(),
    selectedEvents: z.array(z.string().max(1000)).max(1000).nullish(),
    refresh: z.boolean().nullish(),
    waveId: text,
    idempotencyKey: text,
  })
  .strict();

/** Assignments given inline to assignCodes; more go in a file. */
export const MAX_INLINE_ASSIGNMENTS = 1000;

export const assignCodesParams = z
  .object({
    /** Unique per request: the default idempotency keys are `assignCodes:<requestId>:<line>`. */
    requestId: z.string().min(1),
    campaignId: z.string().min(1),
    /** Every record of the request is stamped with this time, so a retried attempt sends the same records. */
    requestedAt: z.number().int(),
    records: z.array(assignmentInputSchema).max(MAX_INLINE_ASSIGNMENTS).nullish(),
    upload: z
      .object({
        key: z.string().min(1),
        format: z.enum(['csv', 'xlsx']),
        filename: z.string(),
        rows: z.number().int().min(0),
      })
      .strict()
      .nullish(),
  })
  .strict();

export type AssignCodesParams = z.infer<typeof assignCodesParams>;

export interface AssignmentLineReject {
  /** The file's line, or the 1-based position in the inline list. */
  line: number;
  reason: string;
}

export interface AssignCodesResult {
  campaignId: string;
  total: number;
  accepted: number;
  rejected: number;
  rejectedByReason: Record<string, number>;
  /** The first MAX_LISTED_REJECTS rejects, in line order. */
  rejects: AssignmentLineReject[];
}

export interface AssignCodesDeps {
  objects: ObjectStore;
  limits: UploadLimits;
  /** The code-assignment pipeline (CodeAssignment.handle). */
  handle(records: CodeAssignmentRecord[]): Promise<RecordOutcome[]>;
}

type Line = { line: number; input: AssignmentInput } | { line: number; error: string };

/**
 * `fan-codes-assign`: the assignments of an assignCodes request through the code-assignment
 * pipeline, with progress. Safe to run again: every record carries an idempotency key stable
 * for its request and line.
 */
export function assignCodesJob(deps: AssignCodesDeps): JobType<AssignCodesParams, AssignCodesResult> {
  return {
    name: FAN_CODES_ASSIGN_JOB,
    params: assignCodesParams,
    options: { attempts: 3, backoffMs: 5_000, timeoutMs: 60 * 60_000 },
    perform: (params, context) => assignCodes(deps, params, context),
  };
}

async function assignCodes(deps: AssignCodesDeps, params: AssignCodesParams, context: JobContext) {
  const total = params.records?.length ?? params.upload?.rows ?? 0;
  const result: AssignCodesResult = {
    campaignId: params.campaignId,
    total,
    accepted: 0,
    rejected: 0,
    rejectedByReason: {},
    rejects: [],
  };
  const refuse = (line: number, reason: string) => {
    result.rejected += 1;
    const code = reason.split(':', 1)[0]!;
    result.rejectedByReason[code] = (result.rejectedByReason[code] ?? 0) + 1;
    if (result.rejects.length < MAX_LISTED_REJECTS) result.rejects.push({ line, reason });
  };
  for await (const lines of requestLines(deps, params)) {
    const given = lines.filter((line): line is Extract<Line, { input: AssignmentInput }> => 'input' in line);
    const records = given.map(({ line, input }) =>
      assignmentRecord(params.campaignId, input, `assignCodes:${params.requestId}:${line}`, params.requestedAt),
    );
    const outcomes = await deps.handle(records);
    const outcomeOf = new Map(given.map((line, index) => [line.line, outcomes[index]!]));
    for (const line of lines) {
      const outcome =
        'error' in line ? { accepted: false, reason: `INVALID_RECORD: ${line.error}` } : outcomeOf.get(line.line)!;
      if (outcome.accepted) result.accepted += 1;
      else refuse(line.line, outcome.reason ?? 'rejected');
    }
    const done = result.accepted + result.rejected;
    await context.setStats({ total, accepted: result.accepted, rejected: result.rejected });
    await context.progress(total === 0 ? 1 : done / total, `${done} of ${total} assignments`);
  }
  if (params.upload) await deps.objects.delete(params.upload.key);
  context.logger.info({ campaignId: params.campaignId, total, accepted: result.accepted }, 'codes assigned');
  return result;
}

/** The request's assignments, CHUNK at a time: the inline list, or the stored file's rows. */
async function* requestLines(deps: AssignCodesDeps, params: AssignCodesParams): AsyncGenerator<Line[]> {
  if (params.records) {
    for (let start = 0; start < params.records.length; start += CHUNK) {
      yield params.records.slice(start, start + CHUNK).map((input, index) => ({ line: start + index + 1, input }));
    }
    return;
  }
  if (!params.upload) return;
  const stored = await deps.objects.get(params.upload.key);
  if (!stored)
    throw new PermanentJobError(`The uploaded file ${params.upload.filename} is no longer stored`, 'NOT_FOUND');
  let chunk: Line[] = [];
  for await (const rows of readRowBatches(stored.body, `assignments.${params.upload.format}`, deps.limits)) {
    for (const row of rows) {
      const parsed = rowAssignment(row.record);
      chunk.push(
        'error' in parsed ? { line: row.rowNumber, error: parsed.error } : { line: row.rowNumber, input: parsed },
      );
      if (chunk.length === CHUNK) {
        yield chunk;
        chunk = [];
      }
    }
  }
  if (chunk.length > 0) yield chunk;
}
