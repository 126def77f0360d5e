import { z } from 'zod';
import type { ObjectStore } from '../../../datasources/objects/port';
import type { Db } from '../../../datasources/store';
import type { JobType } from '../../../jobs/jobType';
import { PRIVACY_EXPORTS, type PrivacyExportDoc } from '../model';

export const PRIVACY_EXPORTS_SWEEP_JOB = 'privacy-exports-sweep';

/** `privacy-exports-sweep` (daily): exports past their PRIVACY_EXPORT_KEEP_DAYS deleted, files and records. */
export function exportsSweepJob(deps: {
  db: Db;
  objects: ObjectStore;
}): JobType<Record<string, never>, { deleted: number }> {
  return {
    name: PRIVACY_EXPORTS_SWEEP_JOB,
    params: z.object({}).strict(),
    async perform(_params, context) {
      const exports = deps.db.collection<PrivacyExportDoc>(PRIVACY_EXPORTS);
      let deleted = 0;
      for (const expired of await exports.find({ expiresAt: { $lt: new Date() } }).toArray()) {
        if (expired.key) await deps.objects.delete(expired.key);
        deleted += (await exports.deleteOne({ _id: expired._id })).deletedCount;
      }
      await context.setStats({ deleted });
      return { deleted };
    },
  };
}
