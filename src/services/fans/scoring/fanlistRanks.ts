import { PassThrough, type Readable } from 'node:stream';
import { z } from 'zod';
import type { ObjectStore, StoredObject } from '../../../datasources/objects/port';
import type { Db } from '../../../datasources/store';
import { badInput } from '../../../errors';
import type { JobContext, JobRecord, Jobs, JobType } from '../../../jobs/jobType';
import { PermanentJobError } from '../../../jobs/jobType';
import type { Logger } from '../../../logger';
import { isRewrite } from '../../suppression/objectRewrites';
import type { UploadLimits } from '../../uploads/uploadLimits';
import type { CampaignDirectory } from '../campaignDirectory';
import type { FanCampaignDoc, ScoringType } from '../model';
import { applyInBatches, type ApplyProgress } from './applyScores';
import type { FanScores } from './fanScores';
import { fanlistColumns, fanlistRecords, scanFanlist, type FanlistReason } from './fanlistFile';
import { fileJobOptions, objectVersion, openObject, permanentFileError } from './fileJobs';
import { fanlistKeyParts, fanlistManifestKey, fanlistScoredKey, fanlistUploadKey, objectName } from './objectKeys';
import { RANK_FORMULAS } from './rankFormulas';
import { storeUpload } from './storeUpload';

export const FANLIST_RANKS_JOB = 'fanlist-ranks';
/** Rejected rows listed on the job's result (all are counted, and all are in the scored file). */
const LISTED_REJECTS = 1000;

const fanlistParams = z.object({
  /** `fanlist/uploaded/{campaignId}/{file}.csv`. */
  key: z.string().min(1),
  /** The file's version when it was stored or found (objectVersion). */
  version: z.string().min(1),
});

export type FanlistParams = z.infer<typeof fanlistParams>;

/** What manifest.json beside the upload says of the last fanlist scored in its folder. */
export interface FanlistManifest {
  campaignId: string;
  file: string;
  key: string;
  scoredKey: string;
  scoringType: ScoringType;
  formula: string;
  rows: number;
  scored: number;
  rejected: number;
  minRank: number | null;
  maxRank: number | null;
  /** Of the input file's bytes, hex. */
  sha256: string;
  jobId: string;
  scoredAt: string;
}

export interface FanlistResult {
  superseded: boolean;
  manifest: FanlistManifest | null;
  rejectedByReason: Partial<Record<FanlistReason, number>>;
  /** The first rejected rows, by line number. */
  rejects: { line: number; reason: FanlistReason; detail: string }[];
  applied: ApplyProgress | null;
}

export interface FanlistRanksOptions {
  db: Db;
  objects: ObjectStore;
  jobs: Jobs;
  scores: FanScores;
  directory: CampaignDirectory;
  /** The fanlist kind's limits (FANLIST_MAX_BYTES, FANLIST_MAX_ROWS). */
  limits: UploadLimits;
  logger: Logger;
}

export interface FanlistUpload {
  source: Readable;
  filename: string;
  campaignId: string;
  requestedBy: string | undefined;
}

/**
 * Fanlist ranks (seed 004 translateRanksToScores): a CSV of ranks for one campaign, uploaded or
 * dropped at `fanlist/uploaded/{campaignId}/{file}.csv`, becomes scores by the campaign's
 * scoring type (rankFormulas.ts); the scores go to the entries and the lake, the scored file to
 * `fanlist/scored/{campaignId}/` and manifest.json beside the upload.
 */
export class FanlistRanks {
  readonly jobType: JobType<FanlistParams, FanlistResult> = {
    name: FANLIST_RANKS_JOB,
    params: fanlistParams,
    options: fileJobOptions,
    perform: (params, context) => this.process(params, context),
  };

  constructor(private readonly options: FanlistRanksOptions) {}

  async upload(input: FanlistUpload): Promise<JobRecord> {
    const { objects, limits, directory } = this.options;
    const name = objectName(input.filename, limits.maxFileNameChars ?? 200);
    try {
      if (!name.toLowerCase().endsWith('.csv'))
        throw badInput(`Unsupported file "${name}": upload a .csv file`, 'file');
      await directory.require(input.campaignId);
    } catch (error) {
      input.source.destroy();
      throw error;
    }
    const key = fanlistUploadKey(input.campaignId, name);
    await storeUpload({
      objects,
      key,
      source: input.source,
      contentType: 'text/csv',
      limits,
      maxHeaderBytes: 64 * 1024,
      checkHeader: (header) => void fanlistColumns(header.split(',').map((name) => name.replace(/"/g, ''))),
    });
    const stored = (await objects.list(key)).find((object) => object.key === key);
    if (!stored) throw new Error(`The fanlist ${key} was stored but cannot be listed`);
    return this.enqueue(stored, { requestedBy: input.requestedBy });
  }

  /** A file found under fanlist/uploaded/ by the poll: one job per version of it. */
  async found(object: StoredObject): Promise<void> {
    if (!fanlistKeyParts(object.key)) return;
    // an erasure took a person out of the file: the same file, already processed
    if (await isRewrite(this.options.db, object.key, objectVersion(object))) return;
    await this.enqueue(object, { trigger: 'EVENT', requestedBy: 'objects:fanlist/uploaded/' });
  }

  private enqueue(object: StoredObject, options: { trigger?: 'EVENT'; requestedBy?: string }): Promise<JobRecord> {
    const version = objectVersion(object);
    return this.options.jobs.enqueue(
      this.jobType,
      { key: object.key, version },
      { ...options, idempotencyKey: `${FANLIST_RANKS_JOB}:${object.key}@${version}` },
    );
  }

  private async process(params: FanlistParams, context: JobContext): Promise<FanlistResult> {
    const { objects, limits, directory, db } = this.options;
    const parts = fanlistKeyParts(params.key);
    if (!parts)
      throw new PermanentJobError(`${params.key} is not fanlist/uploaded/{campaignId}/{file}.csv`, 'BAD_USER_INPUT');
    const campaign = await directory.get(parts.campaignId);
    if (!campaign) throw new PermanentJobError(`Fan campaign ${parts.campaignId} was not found`, 'NOT_FOUND');
    const first = await openObject(objects, params.key, limits);
    if (objectVersion(first) !== params.version) {
      first.body.destroy();
      return { superseded: true, manifest: null, rejectedByReason: {}, rejects: [], applied: null };
    }
    const scan = await permanentFileError(() => scanFanlist(first.body, limits.maxRows));
    const previous = context.attempt > 1 ? ((await this.options.jobs.get(context.jobId))?.stats ?? {}) : {};
    const afterLine = previous.appliedThroughLine ?? 0;
    const rejectedByReason: Partial<Record<FanlistReason, number>> = {};
    const rejects: FanlistResult['rejects'] = [];
    const scoredKey = fanlistScoredKey(parts.campaignId, parts.file);
    const output = new PassThrough();
    const writing = objects.put(scoredKey, output, 'text/csv');
    writing.catch(() => undefined);
    const scoredAt = Date.now();
    let applied: ApplyProgress;
    try {
      const second = await openObject(objects, params.key, limits);
      const records = fanlistRecords(second.body, {
        db,
        campaign,
        scan,
        output,
        scoredAt,
        reject: (line, reason, detail) => {
          rejectedByReason[reason] = (rejectedByReason[reason] ?? 0) + 1;
          if (rejects.length < LISTED_REJECTS) rejects.push({ line, reason, detail });
        },
      });
      applied = await applyInBatches(skipApplied(records, afterLine), this.options.scores, async (line, progress) => {
        await context.setStats({ appliedThroughLine: line, scoredRecords: progress.records });
      });
      output.end();
      await writing;
    } catch (error) {
      output.destroy(error as Error);
      await writing.catch(() => undefined);
      throw error;
    }
    const rejected = Object.values(rejectedByReason).reduce((sum, count) => sum + count, 0);
    const manifest = manifestOf(campaign, parts, params.key, scoredKey, scan, context.jobId, scoredAt, rejected);
    await objects.put(
      fanlistManifestKey(parts.campaignId),
      `${JSON.stringify(manifest, null, 2)}\n`,
      'application/json',
    );
    await context.setStats({ rows: scan.rows, scored: manifest.scored, rejected });
    this.options.logger.info({ jobId: context.jobId, key: params.key, rows: scan.rows, rejected }, 'fanlist scored');
    return { superseded: false, manifest, rejectedByReason, rejects, applied };
  }
}

async function* skipApplied<T extends { position: number }>(records: AsyncIterable<T>, afterLine: number) {
  for await (const item of records) if (item.position > afterLine) yield item;
}

function manifestOf(
  campaign: FanCampaignDoc,
  parts: { file: string },
  key: string,
  scoredKey: string,
  scan: Awaited<ReturnType<typeof scanFanlist>>,
  jobId: string,
  scoredAt: number,
  rejected: number,
): FanlistManifest {
  return {
    campaignId: campaign._id,
    file: parts.file,
    key,
    scoredKey,
    scoringType: campaign.scoringType,
    formula: RANK_FORMULAS[campaign.scoringType].text,
    rows: scan.rows,
    scored: scan.rows - rejected,
    rejected,
    minRank: scan.minRank,
    maxRank: scan.maxRank,
    sha256: scan.sha256,
    jobId,
    scoredAt: new Date(scoredAt).toISOString(),
  };
}
