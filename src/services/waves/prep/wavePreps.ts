import { Readable } from 'node:stream';
import { ObjectId } from 'bson';
import type { Config } from '../../../config';
import type { ObjectStore } from '../../../datasources/objects/port';
import type { Db } from '../../../datasources/store';
import { badInput, conflict } from '../../../errors';
import type { JobRecord, Jobs, JobType } from '../../../jobs/jobType';
import { downloadUrl } from '../../campaigns/recipients';
import { trackingSite } from '../../campaigns/trackingSite';
import type { CampaignDirectory } from '../../fans/campaignDirectory';
import type { FanCodes } from '../../fans/codes/fanCodes';
import { paginate, type Page, type PageArgs } from '../../pagination';
import { ByteLimit } from '../../uploads/byteLimit';
import { uploadFileName } from '../../uploads/fileName';
import { uploadFormat } from '../../uploads/readRows';
import { asUploadError, tooManyBytes } from '../../uploads/uploadError';
import { withSpreadsheetDefaults, type UploadLimits } from '../../uploads/uploadLimits';
import { WAVE_PREPS, WAVES, type WaveDoc, type WavePrepDoc } from '../model';
import { readMarketDetails } from './marketDetails';
import { DATE_KEY, marketDetailsKey } from './prepKeys';
import { WAVE_PREP_JOB, wavePrepJob } from './wavePrep.job';

export interface WavePrepsOptions {
  db: Db;
  objects: ObjectStore;
  jobs: Pick<Jobs, 'enqueue' | 'get'>;
  config: Config;
  directory: CampaignDirectory;
  codes: Pick<FanCodes, 'reserve' | 'release' | 'reservedCodes'>;
  limits: UploadLimits;
}

export interface PrepareWaveInput {
  campaignId: string;
  /** Names the prep and its files (prepped.{dateKey}.zip); a second prep of the key replaces the first. */
  dateKey: string;
  minScore: number;
  singleMarket: boolean;
  orderByPreference: boolean;
  reassign: boolean;
  /** Replaces the campaign's market details (venue, event date, presale time...) before the prep. */
  marketDetails?: { source: Readable; filename: string } | null;
  requestedBy: string;
}

/** A download link of a prep's zip, signed and expiring. */
export interface PrepDownload {
  url: string;
  expiresAt: Date;
}

const DOWNLOAD_TTL_MS = 24 * 3_600_000;
/** A campaign's few markets fit in far less. */
const MARKET_DETAILS_MAX_BYTES = 1024 * 1024;

/** Wave preps (seed 004 processSmsWaveFiles): prepareWave, the preps read back and their download links. */
export class WavePreps {
  constructor(private readonly options: WavePrepsOptions) {}

  private get preps() {
    return this.options.db.collection<WavePrepDoc>(WAVE_PREPS);
  }

  /**
   * Marks the campaign's prep of `dateKey` TRIGGERED and starts its `wave-prep` job; answers the
   * job. CONFLICT while that prep runs or once a wave was made from it.
   */
  async prepare(input: PrepareWaveInput): Promise<JobRecord> {
    try {
      const campaign = await this.options.directory.require(input.campaignId);
      if (!DATE_KEY.test(input.dateKey)) throw badInput('dateKey: 1 to 40 letters, digits, - and _', 'dateKey');
      if (!(input.minScore >= 0 && input.minScore <= 1)) throw badInput('minScore: from 0 to 1', 'minScore');
      const existing = await this.preps.findOne({ campaignId: campaign._id, dateKey: input.dateKey });
      if (existing) await this.checkRerun(existing);
      if (input.marketDetails) await this.storeDetails(campaign, input.marketDetails);
      const { campaignId, dateKey, minScore, singleMarket, orderByPreference, reassign } = input;
      const prepId = existing?._id ?? new ObjectId().toHexString();
      const prep: WavePrepDoc = {
        _id: prepId,
        campaignId: campaign._id,
        dateKey,
        status: 'TRIGGERED',
        params: { minScore, singleMarket, orderByPreference, reassign },
        objectKey: null,
        counts: { selected: 0, perMarket: [], codesReserved: 0 },
        jobId: '',
        createdAt: new Date(),
      };
      if (!(await this.claim(prep, existing !== null))) {
        throw conflict(`Wave prep ${dateKey} of campaign ${campaignId} is being prepared`);
      }
      const job = await this.options.jobs.enqueue(WAVE_PREP_JOB, { prepId }, { requestedBy: input.requestedBy });
      await this.preps.updateOne({ _id: prepId }, { $set: { jobId: job._id } });
      return job;
    } finally {
      input.marketDetails?.source.destroy();
    }
  }

  get(id: string): Promise<WavePrepDoc | null> {
    return this.preps.findOne({ _id: id });
  }

  /** A campaign's preps, newest first. */
  list(campaignId: string, page: PageArgs): Promise<Page<WavePrepDoc>> {
    return paginate(this.preps, { campaignId }, page, { sortField: 'createdAt', direction: -1, toNode: (doc) => doc });
  }

  /** A signed link to the prep's zip (served under /files/), or null before it is prepped. */
  async download(prep: WavePrepDoc, now = new Date()): Promise<PrepDownload | null> {
    if (!prep.objectKey) return null;
    const site = trackingSite(this.options.config);
    const expiresAt = new Date(now.getTime() + DOWNLOAD_TTL_MS);
    return { url: downloadUrl(site.baseUrl, prep.objectKey, await site.secret(), expiresAt), expiresAt };
  }

  jobTypes(): JobType[] {
    const { db, objects, directory, codes, limits } = this.options;
    return [wavePrepJob({ db, objects, directory, codes, limits }) as JobType];
  }

  /**
   * Writes the prep as TRIGGERED unless it is already: one prep per campaign and dateKey (unique
   * index), so of two calls at once the second is refused.
   */
  private async claim(prep: WavePrepDoc, exists: boolean): Promise<boolean> {
    if (exists) {
      const { _id, ...fields } = prep;
      const { modifiedCount } = await this.preps.updateOne({ _id, status: { $ne: 'TRIGGERED' } }, { $set: fields });
      return modifiedCount === 1;
    }
    return this.preps.insertOne(prep).then(
      () => true,
      (error: { code?: number }) => (error.code === 11000 ? false : Promise.reject(error)),
    );
  }

  private async checkRerun(existing: WavePrepDoc): Promise<void> {
    const wave = await this.options.db
      .collection<WaveDoc>(WAVES)
      .findOne({ _id: existing._id }, { projection: { _id: 1 } });
    if (wave) throw conflict(`Wave prep ${existing.dateKey} already made wave ${wave._id}; use another dateKey`);
    if (existing.status !== 'TRIGGERED') return;
    const job = existing.jobId ? await this.options.jobs.get(existing.jobId) : null;
    if (job && (job.status === 'QUEUED' || job.status === 'RUNNING')) {
      throw conflict(
        `Wave prep ${existing.dateKey} of campaign ${existing.campaignId} is being prepared (job ${job._id})`,
      );
    }
    // its job ended without finishing the prep: the prep may be triggered again
    await this.preps.updateOne({ _id: existing._id, status: 'TRIGGERED' }, { $set: { status: 'FAILED' } });
  }

  private async storeDetails(
    campaign: Parameters<typeof readMarketDetails>[2],
    file: { source: Readable; filename: string },
  ): Promise<void> {
    const { objects, limits } = this.options;
    const filename = uploadFileName(file.filename, withSpreadsheetDefaults(limits).maxFileNameChars);
    if (uploadFormat(filename) !== 'csv') throw badInput('marketDetails: a .csv file', 'marketDetails');
    const detailLimits = { ...limits, maxBytes: MARKET_DETAILS_MAX_BYTES, settings: undefined };
    const bytes = await readAll(file.source, detailLimits);
    await readMarketDetails(Readable.from([bytes]), filename, campaign, detailLimits);
    await objects.put(marketDetailsKey(campaign._id), bytes, 'text/csv; charset=utf-8');
  }
}

/** The upload's bytes, refused with PAYLOAD_TOO_LARGE past the limit. */
async function readAll(source: Readable, limits: UploadLimits): Promise<Buffer> {
  const limit = new ByteLimit(limits.maxBytes, tooManyBytes(limits).message);
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of source.pipe(limit)) chunks.push(chunk as Buffer);
  } catch (error) {
    throw asUploadError(error, limits);
  }
  return Buffer.concat(chunks);
}
