import { Readable } from 'node:stream';
import { z } from 'zod';
import { PermanentJobError, type JobType } from '../../../jobs/jobType';
import { PRIVACY_QUEUE } from '../erase/erasePerson.job';
import { PRIVACY_EXPORTS, type PrivacyExportDoc } from '../model';
import type { PrivacyRequests } from '../requests';
import { subjectOf, type PrivacyDeps } from '../subject';
import { exportJson, type ExportCounts } from './exportJson';

export const EXPORT_PERSONAL_DATA_JOB = 'export-personal-data';
export const EXPORTS_PREFIX = 'exports/privacy/';

export interface ExportResult extends ExportCounts {
  /** Read it, with its download link, as personalDataExport(jobId). */
  exportId: string;
}

const params = z.object({ requestId: z.string().min(1) });

/**
 * `export-personal-data`: the request's person's data written as one JSON file to
 * `exports/privacy/<jobId>.json`, recorded by hash for its download link and the daily sweep,
 * then the request dropped. Running again writes the same file again.
 */
export function exportPersonalDataJob(
  deps: PrivacyDeps,
  requests: PrivacyRequests,
  keepDays: number,
): JobType<z.infer<typeof params>, ExportResult> {
  return {
    name: EXPORT_PERSONAL_DATA_JOB,
    params,
    options: { queue: PRIVACY_QUEUE, attempts: 3, timeoutMs: 6 * 3_600_000 },
    async perform({ requestId }, context) {
      const request = await requests.get(requestId);
      if (!request) throw new PermanentJobError(`Export request ${requestId} is gone (done, or expired)`, 'NOT_FOUND');
      const subject = await subjectOf(deps, { email: request.email, phone: request.phone });
      const now = new Date();
      const key = `${EXPORTS_PREFIX}${context.jobId}.json`;
      const counts: ExportCounts = { documents: 0, fileRows: 0, lakeRecords: 0 };
      await context.progress(0.1, 'writing the export');
      await deps.objects.put(key, Readable.from(exportJson(deps, subject, counts, now)), 'application/json');
      const record: PrivacyExportDoc = {
        _id: context.jobId,
        hashes: subject.hashes,
        key,
        ...counts,
        requestedBy: request.requestedBy,
        createdAt: now,
        expiresAt: new Date(now.getTime() + keepDays * 86_400_000),
      };
      const { _id, ...fields } = record;
      await deps.db
        .collection<PrivacyExportDoc>(PRIVACY_EXPORTS)
        .updateOne({ _id }, { $set: fields }, { upsert: true });
      await requests.drop(requestId);
      await context.setStats({ ...counts });
      return { exportId: context.jobId, ...counts };
    },
  };
}
