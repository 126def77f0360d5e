import { randomUUID } from 'node:crypto';
import { PassThrough, type Readable } from 'node:stream';
import { z } from 'zod';
import type { NotifierPort } from '../../../datasources/notifier/port';
import type { ObjectStore, StoredObject } from '../../../datasources/objects/port';
import type { Db } from '../../../datasources/store';
import type { JobContext, JobRecord, Jobs, JobType } from '../../../jobs/jobType';
import type { Logger } from '../../../logger';
import { isRewrite } from '../../suppression/objectRewrites';
import type { UploadLimits } from '../../uploads/uploadLimits';
import type { FanBlacklist } from '../blacklist/fanBlacklist';
import type { CampaignDirectory } from '../campaignDirectory';
import { applyInBatches, type ApplyProgress } from './applyScores';
import type { FanScores } from './fanScores';
import { fileJobOptions, objectVersion, openObject, permanentFileError } from './fileJobs';
import { objectName, SCORED_PREFIX, scoredUploadKey, scrubbedKeyOf } from './objectKeys';
import { PhoneCheck } from './phoneCheck';
import { scoredFileColumns } from './scoredFileColumns';
import { scrubbedRecords } from './scrubbedRecords';
import { scrubScoredFile } from './scrubScoredFile';
import { scrubCounters, scrubSummaryText, type ScrubStats } from './scrubStats';
import { storeUpload } from './storeUpload';

export const SCORED_FILE_JOB = 'scored-file';
/** Longest line of a scored file: a longer one is an INVALID_ROW, read past without being held. */
const MAX_LINE_CHARS = 64 * 1024;

const scoredFileParams = z.object({
  /** The stored scored file. */
  key: z.string().min(1),
  scrubbedKey: z.string().min(1),
  /** The campaign an upload named; null for a file dropped under scored/. */
  campaignId: z.string().nullable(),
  /** The dropped file's version when it was found (see objectVersion); null for uploads. */
  version: z.string().nullable(),
});

export type ScoredFileParams = z.infer<typeof scoredFileParams>;

export interface ScoredFileResult {
  key: string;
  scrubbedKey: string | null;
  /** True when the dropped file changed before the job ran: its new version has a job of its own. */
  superseded: boolean;
  stats: ScrubStats | null;
  scored: ApplyProgress | null;
  blacklistEntries: number;
  /** From the start of the job to the scrubbed file and stats stored. */
  scrubMs: number;
  /** Scores and verdicts to the entries and the lake. */
  applyMs: number;
  /** False when Slack could not be reached (the stats are on the job all the same). */
  notified: boolean;
}

export interface ScoredFilesOptions {
  db: Db;
  objects: ObjectStore;
  jobs: Jobs;
  scores: FanScores;
  blacklist: FanBlacklist;
  directory: CampaignDirectory;
  notifier: NotifierPort;
  /** The scoredFile kind's limits (SCORED_FILE_MAX_BYTES, SCORED_FILE_MAX_ROWS). */
  limits: UploadLimits;
  logger: Logger;
}

export interface ScoredFileUpload {
  source: Readable;
  filename: string;
  campaignId: string | null;
  requestedBy: string | undefined;
}

/**
 * Scored files (seed 004 processScoredFiles): an upload or a file dropped under `scored/` is
 * scrubbed (scrubScoredFile) into `scrubbed/`, its stats go to the job and to Slack, then its
 * scores and verdicts to the entries and the lake. One job per file.
 */
export class ScoredFiles {
  readonly jobType: JobType<ScoredFileParams, ScoredFileResult> = {
    name: SCORED_FILE_JOB,
    params: scoredFileParams,
    options: fileJobOptions,
    perform: (params, context) => this.process(params, context),
  };

  constructor(private readonly options: ScoredFilesOptions) {}

  /** Stores the upload (limits and header checked as it streams in) and answers its job. */
  async upload(input: ScoredFileUpload): Promise<JobRecord> {
    const { objects, limits, directory, jobs } = this.options;
    try {
      if (input.campaignId !== null) await directory.require(input.campaignId);
    } catch (error) {
      input.source.destroy();
      throw error;
    }
    const key = scoredUploadKey(randomUUID(), objectName(input.filename, limits.maxFileNameChars ?? 200));
    await storeUpload({
      objects,
      key,
      source: input.source,
      contentType: 'text/tab-separated-values',
      limits,
      maxHeaderBytes: MAX_LINE_CHARS,
      checkHeader: (header) => void scoredFileColumns(header),
    });
    const params = { key, scrubbedKey: scrubbedKeyOf(key), campaignId: input.campaignId, version: null };
    try {
      return await jobs.enqueue(this.jobType, params, { requestedBy: input.requestedBy, idempotencyKey: jobKey(key) });
    } catch (error) {
      await objects.delete(key).catch(() => undefined);
      throw error;
    }
  }

  /** A file found under scored/ by the poll: one job per version of it, however often it is seen. */
  async found(object: StoredObject): Promise<void> {
    if (!object.key.startsWith(SCORED_PREFIX)) return;
    const version = objectVersion(object);
    // an erasure took a person out of the file: the same file, already processed
    if (await isRewrite(this.options.db, object.key, version)) return;
    const params = { key: object.key, scrubbedKey: scrubbedKeyOf(object.key), campaignId: null, version };
    await this.options.jobs.enqueue(this.jobType, params, {
      trigger: 'EVENT',
      requestedBy: `objects:${SCORED_PREFIX}`,
      idempotencyKey: jobKey(object.key, version),
    });
  }

  private async process(params: ScoredFileParams, context: JobContext): Promise<ScoredFileResult> {
    const { objects, blacklist, logger } = this.options;
    const startedAt = Date.now();
    const result: ScoredFileResult = {
      key: params.key,
      scrubbedKey: null,
      superseded: false,
      stats: null,
      scored: null,
      blacklistEntries: 0,
      scrubMs: 0,
      applyMs: 0,
      notified: false,
    };
    const stored = await openObject(objects, params.key, this.options.limits);
    stored.body.destroy();
    if (params.version !== null && objectVersion(stored) !== params.version) return { ...result, superseded: true };
    const previous = context.attempt > 1 ? ((await this.options.jobs.get(context.jobId))?.stats ?? {}) : {};
    const matcher = await blacklist.matcher();
    result.blacklistEntries = matcher.size;
    await context.progress(0, 'scrubbing');
    const stats = await permanentFileError(() => this.scrub(params, matcher));
    result.stats = stats;
    result.scrubbedKey = params.scrubbedKey;
    result.scrubMs = Date.now() - startedAt;
    await context.setStats({ ...scrubCounters(stats), scrubMs: result.scrubMs });
    result.notified = previous.notified === 1 || (await this.notify(params, stats, context));
    await context.progress(0.5, 'applying scores');
    const applyStartedAt = Date.now();
    const scrubbed = await openObject(objects, params.scrubbedKey, this.options.limits);
    const records = scrubbedRecords(scrubbed.body, {
      maxLineChars: MAX_LINE_CHARS + 64,
      afterLine: previous.appliedThroughLine ?? 0,
      scoredAt: startedAt,
    });
    result.scored = await applyInBatches(records, this.options.scores, async (line, progress) => {
      await context.setStats({
        appliedThroughLine: line,
        scoredRecords: progress.records,
        scoredEntries: progress.applied,
      });
      await context.progress(0.5 + 0.5 * Math.min(1, line / (stats.rows + 1)), 'applying scores');
    });
    result.applyMs = Date.now() - applyStartedAt;
    await context.setStats({ applyMs: result.applyMs });
    logger.info(
      { jobId: context.jobId, key: params.key, rows: stats.rows, dropped: stats.dropped },
      'scored file processed',
    );
    return result;
  }

  /** Both passes and the scrubbed file's write; a failure leaves no scrubbed file. */
  private async scrub(params: ScoredFileParams, matcher: Awaited<ReturnType<FanBlacklist['matcher']>>) {
    const { objects, db, directory, limits } = this.options;
    const output = new PassThrough();
    const writing = objects.put(params.scrubbedKey, output, 'text/tab-separated-values');
    writing.catch(() => undefined);
    try {
      const stats = await scrubScoredFile({
        open: async () => (await openObject(objects, params.key, limits)).body,
        output,
        campaignId: params.campaignId,
        maxRows: limits.maxRows,
        maxLineChars: MAX_LINE_CHARS,
        db,
        directory,
        matcher,
        phones: new PhoneCheck(),
      });
      output.end();
      await writing;
      return stats;
    } catch (error) {
      output.destroy(error as Error);
      await writing.catch(() => undefined);
      throw error;
    }
  }

  private async notify(params: ScoredFileParams, stats: ScrubStats, context: JobContext): Promise<boolean> {
    try {
      await this.options.notifier.notify({
        text: scrubSummaryText(params.key, stats),
        metadata: { kind: SCORED_FILE_JOB, jobId: context.jobId, key: params.key },
      });
      await context.setStats({ notified: 1 });
      return true;
    } catch (error) {
      context.logger.warn({ err: error, key: params.key }, 'the scored file stats could not be sent to Slack');
      return false;
    }
  }
}

const jobKey = (key: string, version?: string) => `${SCORED_FILE_JOB}:${key}${version ? `@${version}` : ''}`;
