import type { Readable } from 'node:stream';
import { ObjectId } from 'bson';
import type { ObjectStore } from '../../../datasources/objects/port';
import type { Db } from '../../../datasources/store';
import { badInput, conflict, notFound } from '../../../errors';
import type { JobRecord, Jobs, JobType } from '../../../jobs/jobType';
import type { CampaignDirectory } from '../../fans/campaignDirectory';
import { spoolUpload } from '../../fans/codes/spoolUpload';
import { uploadFileName } from '../../uploads/fileName';
import { uploadFormat } from '../../uploads/readRows';
import { withSpreadsheetDefaults, type UploadLimits } from '../../uploads/uploadLimits';
import { WAVE_PREPS, WAVES, type WaveDoc, type WavePrepDoc } from '../model';
import type { OfferCodes } from '../offerCodes/offerCodes';
import { prepRecipientsKey } from '../prep/prepKeys';
import { buildWave } from './buildWave';
import { checkWaveConfig, type RateSettings, type WaveConfigInput } from './waveConfigInput';
import { checkWaveFile } from './waveFileCheck';
import { WAVE_UPLOAD_JOB, waveUploadJob, type WaveUploadParams } from './waveUpload.job';

export interface WaveUploadsOptions {
  db: Db;
  objects: ObjectStore;
  jobs: Pick<Jobs, 'enqueue'>;
  config: RateSettings;
  directory: CampaignDirectory;
  offerCodes: OfferCodes;
  /** The waveFile upload kind (WAVE_UPLOAD_MAX_BYTES, WAVE_UPLOAD_MAX_ROWS). */
  limits: UploadLimits;
}

export interface UploadWaveInput {
  source: Readable;
  filename: string;
  config: WaveConfigInput;
  /** API key id (or CLI) of the operator. */
  requestedBy: string;
}

/**
 * uploadWave and createWaveFromPrep: the settings checked and the file read through in the
 * request (a file over its limits or of the wrong shape is refused there, nothing kept), then a
 * `wave-upload` job builds the DRAFT wave. Answers the job; its result names the wave.
 */
export class WaveUploads {
  constructor(private readonly options: WaveUploadsOptions) {}

  async upload(input: UploadWaveInput): Promise<JobRecord> {
    const params = await this.take(input);
    try {
      return await this.enqueue(params, input.requestedBy);
    } catch (error) {
      await this.options.objects.delete(params.sourceKey);
      throw error;
    }
  }

  /** An upload built at once rather than by a job (the demo, which runs with no job workers). */
  async createNow(input: UploadWaveInput): Promise<WaveDoc> {
    const params = await this.take(input);
    const wave = await buildWave(this.options, params, async () => undefined);
    await this.options.offerCodes.generate(wave._id);
    return (await this.options.db.collection<WaveDoc>(WAVES).findOne({ _id: wave._id }))!;
  }

  /** The settings checked and the file kept after reading it through: the wave-upload job's params. */
  private async take(input: UploadWaveInput): Promise<WaveUploadParams> {
    const { objects, limits } = this.options;
    try {
      const { name, config } = await checkWaveConfig(input.config, this.options);
      const filename = uploadFileName(input.filename, withSpreadsheetDefaults(limits).maxFileNameChars);
      const format = uploadFormat(filename);
      const spooled = await spoolUpload(objects, {
        source: input.source,
        prefix: 'uploads/waves',
        extension: format,
        limits,
        countRows: (stored) => checkWaveFile(stored, `wave.${format}`, config, limits),
      });
      return {
        waveId: new ObjectId().toHexString(),
        name: name ?? filename,
        config,
        sourceKey: spooled.key,
        filename: `wave.${format}`,
        prepId: null,
        createdBy: input.requestedBy,
        rows: spooled.rows,
      };
    } finally {
      input.source.destroy();
    }
  }

  /**
   * createWaveFromPrep: a wave of the prep's selected fans (its masterCodes.csv, with their
   * reserved codes and the markets' details), checked like an upload. The wave takes the prep's
   * id, which its reserved NON_TM codes carry; one wave per prep.
   */
  async fromPrep(prepId: string, input: WaveConfigInput, requestedBy: string): Promise<JobRecord> {
    const { db, objects, limits } = this.options;
    const prep = await db.collection<WavePrepDoc>(WAVE_PREPS).findOne({ _id: prepId });
    if (!prep) throw notFound('Wave prep', prepId);
    if (prep.status !== 'PREPPED') throw conflict(`Wave prep ${prepId} is ${prep.status}, not PREPPED`);
    if (input.campaignId !== prep.campaignId) {
      throw badInput(`config.campaignId: the prep is of campaign ${prep.campaignId}`, 'config.campaignId');
    }
    if (await db.collection<WaveDoc>(WAVES).findOne({ _id: prep._id }, { projection: { _id: 1 } })) {
      throw conflict(`Wave prep ${prepId} already made wave ${prep._id}`);
    }
    const { name, config } = await checkWaveConfig(input, this.options);
    const sourceKey = prepRecipientsKey(prep);
    const stored = await objects.get(sourceKey);
    if (!stored) throw conflict(`Wave prep ${prepId} has no recipients file; prepare it again`);
    const rows = await checkWaveFile(stored.body, 'wave.csv', config, limits);
    return this.enqueue(
      {
        waveId: prep._id,
        name: name ?? `${prep.campaignId} ${prep.dateKey}`,
        config,
        sourceKey,
        filename: 'wave.csv',
        prepId: prep._id,
        createdBy: requestedBy,
        rows,
      },
      requestedBy,
    );
  }

  jobTypes(): JobType[] {
    const { db, objects, directory, limits, offerCodes } = this.options;
    return [waveUploadJob({ db, objects, directory, limits, offerCodes }) as JobType];
  }

  private enqueue(params: WaveUploadParams, requestedBy: string): Promise<JobRecord> {
    return this.options.jobs.enqueue(WAVE_UPLOAD_JOB, params, {
      trigger: 'MANUAL',
      requestedBy,
      idempotencyKey: `${WAVE_UPLOAD_JOB}:${params.waveId}`,
    });
  }
}
