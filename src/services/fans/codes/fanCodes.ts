import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { ObjectStore } from '../../../datasources/objects/port';
import type { RememberedFigures } from '../../../datasources/rememberedFigures';
import type { Db } from '../../../datasources/store';
import { badInput, conflict } from '../../../errors';
import type { JobRecord, Jobs, JobType } from '../../../jobs/jobType';
import { paginate, rememberedPage, type Page, type PageArgs } from '../../pagination';
import { uploadFileName } from '../../uploads/fileName';
import { readRowBatches, uploadFormat } from '../../uploads/readRows';
import { withSpreadsheetDefaults, type UploadLimits } from '../../uploads/uploadLimits';
import type { CampaignDirectory } from '../campaignDirectory';
import { CODES, CODE_POOLS, type CodeDoc, type CodePoolDoc } from '../model';
import type { CodeDispenser } from './codeDispenser';
import type { CodePoolCounts, PoolCounts } from './poolCounts';
import { codeFileFormat, codeFileRows } from './codeFileRows';
import { checkPoolName, poolIdOf } from './codeFormat';
import type { CodeAssignmentRecord, RecordOutcome } from '../records';
import {
  assignCodesJob,
  FAN_CODES_ASSIGN_JOB,
  MAX_INLINE_ASSIGNMENTS,
  type AssignCodesParams,
} from './assignCodes.job';
import type { AssignmentInput } from './assignmentRows';
import { releaseCodes, reserveCodes, reservedCodes, type WaveReservation } from './reservations';
import { spoolUpload } from './spoolUpload';
import type { CodeMetrics } from './metrics';
import { codesUploadJob, FAN_CODES_UPLOAD_JOB, type CodesUploadParams } from './uploadCodes.job';

/** A pool with how many of its codes are in each state. */
export interface CodePoolView extends CodePoolDoc, PoolCounts {}

export interface UploadCodesInput {
  campaignId: string;
  poolName: string;
  source: Readable;
  filename: string;
  /** API key id (or CLI) of the operator. */
  requestedBy: string;
}

export interface AssignCodesInput {
  campaignId: string;
  /** Assignments given inline (at most MAX_INLINE_ASSIGNMENTS)... */
  records?: AssignmentInput[] | null;
  /** ...or a .csv or .xlsx file of them (docs/pipelines/fans/codes.md#assignment-files). */
  file?: { source: Readable; filename: string } | null;
  requestedBy: string;
}

export interface FanCodesOptions {
  db: Db;
  objects: ObjectStore;
  jobs: Pick<Jobs, 'enqueue'>;
  directory: CampaignDirectory;
  dispenser: CodeDispenser;
  /** The fanCodes upload kind (CODES_UPLOAD_MAX_BYTES, CODES_UPLOAD_MAX_ROWS). */
  limits: UploadLimits;
  metrics: CodeMetrics;
  /** Codes per pool and state, kept by every writer of codes. */
  counts: CodePoolCounts;
  /** On the embedded store: a page of pools is read once per change to the pools. */
  remembered?: RememberedFigures;
  /** The code-assignment pipeline the fan-codes-assign job feeds (CodeAssignment.handle). */
  handle(records: CodeAssignmentRecord[]): Promise<RecordOutcome[]>;
}

/** Code pools of fan campaigns: uploads of NON_TM codes, pools with their counts, wave reservations. */
export class FanCodes {
  constructor(private readonly options: FanCodesOptions) {}

  private get codes() {
    return this.options.db.collection<CodeDoc>(CODES);
  }

  private get pools() {
    return this.options.db.collection<CodePoolDoc>(CODE_POOLS);
  }

  /**
   * Takes a file of codes into the campaign's pool of that name (made on first use): the file
   * is stored and read through here (size, rows and shape refused at once), then a
   * `fan-codes-upload` job adds its codes. Answers the job.
   */
  async upload(input: UploadCodesInput): Promise<JobRecord> {
    const { objects, jobs, directory, limits } = this.options;
    try {
      const named = checkPoolName(input.poolName);
      if ('error' in named) throw badInput(named.error, 'poolName');
      const campaign = await directory.require(input.campaignId);
      const filename = uploadFileName(input.filename, withSpreadsheetDefaults(limits).maxFileNameChars);
      const format = codeFileFormat(filename);
      const spooled = await spoolUpload(objects, {
        source: input.source,
        prefix: 'uploads/fan-codes',
        extension: format,
        limits,
        countRows: async (stored) => {
          let rows = 0;
          for await (const batch of codeFileRows(stored, format, limits)) rows += batch.length;
          return rows;
        },
      });
      try {
        // the pool is made once the file is known to be good: a refused file leaves nothing behind
        const pool = await this.ensurePool(campaign._id, named.name, input.requestedBy);
        const params: CodesUploadParams = { ...spooled, format, filename, campaignId: campaign._id, poolId: pool._id };
        return await jobs.enqueue(FAN_CODES_UPLOAD_JOB, params, {
          trigger: 'MANUAL',
          requestedBy: input.requestedBy,
          idempotencyKey: `${FAN_CODES_UPLOAD_JOB}:${spooled.uploadId}`,
        });
      } catch (error) {
        await objects.delete(spooled.key);
        throw error;
      }
    } finally {
      input.source.destroy();
    }
  }

  /**
   * Assigns codes to fans of the campaign through the code-assignment pipeline, as a
   * `fan-codes-assign` job: the records given inline, or the rows of a file (stored and read
   * through here first, like an upload of codes). Answers the job.
   */
  async assign(input: AssignCodesInput): Promise<JobRecord> {
    const { objects, jobs, directory } = this.options;
    const { file, records } = input;
    try {
      if ((file ? 1 : 0) + (records ? 1 : 0) !== 1) throw badInput('Give either records or a file', 'records');
      if (records && (records.length === 0 || records.length > MAX_INLINE_ASSIGNMENTS)) {
        const more = `at most ${MAX_INLINE_ASSIGNMENTS} (upload a file for more)`;
        throw badInput(`records: at least one and ${more}`, 'records');
      }
      const campaign = await directory.require(input.campaignId);
      const upload = file ? await this.spoolAssignments(file) : null;
      const params: AssignCodesParams = {
        requestId: randomUUID(),
        campaignId: campaign._id,
        requestedAt: Date.now(),
        records: records ?? null,
        upload,
      };
      try {
        return await jobs.enqueue(FAN_CODES_ASSIGN_JOB, params, {
          trigger: 'MANUAL',
          requestedBy: input.requestedBy,
          idempotencyKey: `${FAN_CODES_ASSIGN_JOB}:${params.requestId}`,
        });
      } catch (error) {
        if (upload) await objects.delete(upload.key);
        throw error;
      }
    } finally {
      file?.source.destroy();
    }
  }

  private async spoolAssignments(file: { source: Readable; filename: string }) {
    const { objects, limits } = this.options;
    const filename = uploadFileName(file.filename, withSpreadsheetDefaults(limits).maxFileNameChars);
    const format = uploadFormat(filename);
    const spooled = await spoolUpload(objects, {
      source: file.source,
      prefix: 'uploads/fan-code-assignments',
      extension: format,
      limits,
      countRows: async (stored) => {
        let rows = 0;
        for await (const batch of readRowBatches(stored, filename, limits)) {
          const first = batch[0]?.record;
          if (rows === 0 && first && !('userid' in first) && !('email' in first)) {
            throw badInput('The header row has neither a userId nor an email column', 'file');
          }
          rows += batch.length;
        }
        return rows;
      },
    });
    return { key: spooled.key, format, filename, rows: spooled.rows };
  }

  /** The job types behind uploadCodes and assignCodes. */
  jobTypes(): JobType[] {
    const { db, objects, limits, metrics, counts, handle } = this.options;
    return [
      codesUploadJob({ db, objects, limits, metrics, counts }) as JobType,
      assignCodesJob({ objects, limits, handle }) as JobType,
    ];
  }

  /** The campaign's pools, oldest first (the order no-code assignments take from), with counts by state. */
  async list(campaignId: string, page: PageArgs): Promise<Page<CodePoolView>> {
    await this.options.directory.require(campaignId);
    const order = { sortField: 'createdAt', toNode: (doc: CodePoolDoc) => doc };
    const { remembered } = this.options;
    const found = remembered
      ? await rememberedPage(remembered, this.pools, { campaignId }, page, order)
      : await paginate(this.pools, { campaignId }, page, order);
    const counts = await this.options.counts.read(found.edges.map((edge) => edge.node._id));
    return {
      ...found,
      edges: found.edges.map((edge) => ({
        cursor: edge.cursor,
        node: { ...edge.node, ...counts.get(edge.node._id)! },
      })),
    };
  }

  /** See reservations.ts: the wave holds `count` codes of the campaign afterwards, or CONFLICT. */
  async reserve(campaignId: string, waveId: string, count: number): Promise<WaveReservation> {
    await this.options.directory.require(campaignId);
    return reserveCodes(this.codes, this.options, { campaignId, waveId, count });
  }

  /** Gives the wave's RESERVED codes back to their pools; answers how many. */
  release(waveId: string): Promise<number> {
    return releaseCodes(this.codes, this.options.counts, waveId);
  }

  reservedCodes(waveId: string): Promise<string[]> {
    return reservedCodes(this.codes, waveId);
  }

  private async ensurePool(campaignId: string, name: string, createdBy: string): Promise<CodePoolDoc> {
    const _id = poolIdOf(campaignId, name);
    const pool = await this.pools.findOneAndUpdate(
      { _id },
      { $setOnInsert: { campaignId, kind: 'NON_TM', name, createdAt: new Date(), createdBy } },
      { upsert: true, returnDocument: 'after' },
    );
    if (pool!.kind !== 'NON_TM') throw conflict(`Pool ${name} of campaign ${campaignId} holds ${pool!.kind} codes`);
    this.options.dispenser.forget(campaignId);
    return pool!;
  }
}
