import { z } from 'zod';
import type { ObjectStore } from '../../../datasources/objects/port';
import type { Db } from '../../../datasources/store';
import { PermanentJobError, type JobContext, type JobType } from '../../../jobs/jobType';
import type { UploadLimits } from '../../uploads/uploadLimits';
import { CODES, CODE_POOLS, type CodeDoc, type CodePoolDoc } from '../model';
import { codeFileRows } from './codeFileRows';
import { insertCodes, type RejectedCodeRow } from './insertCodes';
import type { CodePoolCounts } from './poolCounts';
import type { CodeMetrics } from './metrics';

export const FAN_CODES_UPLOAD_JOB = 'fan-codes-upload';

/** Rejected rows listed on the job's result; the counts cover them all. */
export const MAX_LISTED_REJECTS = 1000;

export const codesUploadParams = z
  .object({
    uploadId: z.string().min(1),
    /** The stored copy on the objects port (spoolUpload.ts). */
    key: z.string().min(1),
    format: z.enum(['csv', 'xlsx', 'txt']),
    filename: z.string(),
    campaignId: z.string().min(1),
    poolId: z.string().min(1),
    rows: z.number().int().min(0),
  })
  .strict();

export type CodesUploadParams = z.infer<typeof codesUploadParams>;

export interface CodesUploadResult {
  campaignId: string;
  poolId: string;
  poolName: string;
  filename: string;
  rows: number;
  added: number;
  alreadyInPool: number;
  rejected: number;
  rejectedByReason: Record<string, number>;
  /** The first MAX_LISTED_REJECTS rejected rows, in line order. */
  rejects: RejectedCodeRow[];
}

export interface CodesUploadDeps {
  db: Db;
  objects: ObjectStore;
  limits: UploadLimits;
  metrics: CodeMetrics;
  /** The pools' counts, changed with the codes. */
  counts: CodePoolCounts;
}

/**
 * `fan-codes-upload`: the codes of an uploadCodes file into their pool, a thousand at a time.
 * Safe to run again from the start (a retried attempt): each code remembers the upload and line
 * that brought it in (insertCodes.ts), so nothing is counted or kept twice.
 */
export function codesUploadJob(deps: CodesUploadDeps): JobType<CodesUploadParams, CodesUploadResult> {
  return {
    name: FAN_CODES_UPLOAD_JOB,
    params: codesUploadParams,
    options: { attempts: 3, backoffMs: 5_000, timeoutMs: 60 * 60_000 },
    perform: (params, context) => uploadCodes(deps, params, context),
  };
}

async function uploadCodes(
  deps: CodesUploadDeps,
  params: CodesUploadParams,
  context: JobContext,
): Promise<CodesUploadResult> {
  const pool = await deps.db.collection<CodePoolDoc>(CODE_POOLS).findOne({ _id: params.poolId });
  if (!pool) throw new PermanentJobError(`Code pool ${params.poolId} was not found`, 'NOT_FOUND');
  const stored = await deps.objects.get(params.key);
  if (!stored) throw new PermanentJobError(`The uploaded file ${params.filename} is no longer stored`, 'NOT_FOUND');
  const codes = deps.db.collection<CodeDoc>(CODES);
  const result: CodesUploadResult = {
    campaignId: pool.campaignId,
    poolId: pool._id,
    poolName: pool.name,
    filename: params.filename,
    rows: 0,
    added: 0,
    alreadyInPool: 0,
    rejected: 0,
    rejectedByReason: {},
    rejects: [],
  };
  for await (const rows of codeFileRows(stored.body, params.format, deps.limits)) {
    const inserted = await insertCodes(codes, deps.counts, pool, params.uploadId, rows);
    result.rows += rows.length;
    result.added += inserted.added;
    result.alreadyInPool += inserted.alreadyInPool;
    result.rejected += inserted.rejected.length;
    for (const row of inserted.rejected) {
      result.rejectedByReason[row.reason] = (result.rejectedByReason[row.reason] ?? 0) + 1;
      if (result.rejects.length < MAX_LISTED_REJECTS) result.rejects.push(row);
    }
    await context.setStats(countsOf(result));
    await context.progress(params.rows === 0 ? 1 : result.rows / params.rows, `${result.rows} of ${params.rows} codes`);
  }
  await deps.objects.delete(params.key);
  count(deps.metrics, result);
  context.logger.info({ poolId: pool._id, ...countsOf(result) }, 'codes uploaded');
  return result;
}

const countsOf = (result: CodesUploadResult) => ({
  rows: result.rows,
  added: result.added,
  alreadyInPool: result.alreadyInPool,
  rejected: result.rejected,
});

function count(metrics: CodeMetrics, result: CodesUploadResult): void {
  metrics.uploadedCodes.inc({ outcome: 'added', reason: '' }, result.added);
  metrics.uploadedCodes.inc({ outcome: 'alreadyInPool', reason: '' }, result.alreadyInPool);
  for (const [reason, rejected] of Object.entries(result.rejectedByReason)) {
    metrics.uploadedCodes.inc({ outcome: 'rejected', reason }, rejected);
  }
}
