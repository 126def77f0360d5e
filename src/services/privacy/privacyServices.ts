import type { Config } from '../../config';
import type { ObjectStore } from '../../datasources/objects/port';
import type { SfmcPort } from '../../datasources/sfmc';
import type { Db } from '../../datasources/store';
import { AppError } from '../../errors';
import type { JobRecord, Jobs, JobType } from '../../jobs/jobType';
import type { Logger } from '../../logger';
import { downloadUrl } from '../campaigns/recipients';
import { trackingSite } from '../campaigns/trackingSite';
import { privacySecret, PrivacySecretMissing } from '../suppression/privacySecret';
import { SuppressionList } from '../suppression/suppressionList';
import { ERASE_PERSON_JOB, erasePersonJob } from './erase/erasePerson.job';
import { ErasureLog } from './erase/erasureLog';
import { reapplyErasures, type ReapplyResult } from './erase/reapplyErasures';
import { EXPORT_PERSONAL_DATA_JOB, exportPersonalDataJob } from './export/exportPersonalData.job';
import { exportsSweepJob } from './export/exportsSweep.job';
import { PRIVACY_EXPORTS, type PrivacyExportDoc } from './model';
import { parsePerson, type Person, type PersonInput } from './person';
import { findPersonalData, type PersonalDataReport } from './personalData';
import { PrivacyRequests } from './requests';
import type { PrivacyDeps } from './subject';

/** A signed, expiring link to an export's file, served under /files/. */
export interface ExportDownload {
  url: string;
  expiresAt: Date;
}

/** The privacy feature's services (src/features/privacy.ts). */
export interface PrivacyServices {
  /** Every store document of the person, by collection (count and first ids). */
  personalData(input: PersonInput, idsPerCollection?: number): Promise<PersonalDataReport>;
  /** The export-personal-data job of the person. */
  exportPersonalData(input: PersonInput, requestedBy: string): Promise<JobRecord>;
  /** The erase-person job of the person. */
  erasePerson(input: PersonInput, requestedBy: string): Promise<JobRecord>;
  /** The export made by that job, while it is kept. */
  exportOf(jobId: string): Promise<PrivacyExportDoc | null>;
  download(exported: PrivacyExportDoc, now?: Date): Promise<ExportDownload | null>;
  /** After a restore: the erasures recorded since `since` applied again (see reapplyErasures.ts). */
  reapplyErasures(since: Date): Promise<ReapplyResult>;
  suppressions: SuppressionList;
  jobTypes(): JobType[];
}

export interface PrivacyServicesDeps {
  db: Db;
  objects: ObjectStore;
  sfmc: SfmcPort;
  jobs: Pick<Jobs, 'enqueue'>;
  config: Config;
  logger: Logger;
}

const DOWNLOAD_TTL_MS = 24 * 3_600_000;

export function privacyServices(app: PrivacyServicesDeps): PrivacyServices {
  const secret = privacySecret(app.config);
  const suppressions = new SuppressionList(app.db, secret);
  const deps: PrivacyDeps = {
    db: app.db,
    objects: app.objects,
    sfmc: app.sfmc,
    secret,
    suppressions,
    logger: app.logger.child({ feature: 'privacy' }),
  };
  const requests = new PrivacyRequests(app.db);
  const log = new ErasureLog(app.db, app.objects);
  const site = trackingSite(app.config);

  /** A request kept for its job, which is enqueued; the request goes again if the enqueue fails. */
  const start = async (kind: 'EXPORT' | 'ERASE', person: Person, requestedBy: string) => {
    await secret().catch((error: unknown) => {
      if (error instanceof PrivacySecretMissing) throw new AppError('CONFLICT', error.message);
      throw error;
    });
    const request = await requests.create(kind, person, requestedBy);
    const type = kind === 'ERASE' ? ERASE_PERSON_JOB : EXPORT_PERSONAL_DATA_JOB;
    try {
      return await app.jobs.enqueue(
        type,
        { requestId: request._id },
        { requestedBy, idempotencyKey: `${type}:${request._id}` },
      );
    } catch (error) {
      await requests.drop(request._id);
      throw error;
    }
  };

  return {
    personalData: (input, idsPerCollection) => findPersonalData(deps, parsePerson(input), idsPerCollection),
    exportPersonalData: (input, requestedBy) => start('EXPORT', parsePerson(input), requestedBy),
    erasePerson: (input, requestedBy) => start('ERASE', parsePerson(input), requestedBy),
    exportOf: (jobId) => app.db.collection<PrivacyExportDoc>(PRIVACY_EXPORTS).findOne({ _id: jobId }),
    async download(exported, now = new Date()) {
      if (!exported.key) return null;
      const expiresAt = new Date(Math.min(now.getTime() + DOWNLOAD_TTL_MS, exported.expiresAt.getTime()));
      return { url: downloadUrl(site.baseUrl, exported.key, await site.secret(), expiresAt), expiresAt };
    },
    reapplyErasures: (since) => reapplyErasures(deps, log, since),
    suppressions,
    jobTypes: () => [
      erasePersonJob(deps, requests, log) as JobType,
      exportPersonalDataJob(deps, requests, app.config.PRIVACY_EXPORT_KEEP_DAYS) as JobType,
      exportsSweepJob({ db: app.db, objects: app.objects }) as JobType,
    ],
  };
}
