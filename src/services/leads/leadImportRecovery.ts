import type { Db } from '../../datasources/store';
import { takeOverStale, type LeaseTiming } from '../uploads/importLease';
import { LEAD_IMPORTS, LEADS, type LeadImportDoc } from './model';

/**
 * Finishes the lead imports whose process died (a RUNNING record with a stale lease). Their
 * leads are queued in one write, so either none is there (FAILED with the reason: upload the
 * list again) or all of them are (SUCCEEDED, counted from the leads). Answers how many.
 */
export async function recoverStaleLeadImports(db: Db, timing: LeaseTiming): Promise<number> {
  const imports = db.collection<LeadImportDoc>(LEAD_IMPORTS);
  const taken = await takeOverStale(imports, { status: 'RUNNING' }, timing);
  for (const { record, lease } of taken) {
    try {
      const queued = await db.collection(LEADS).countDocuments({ importId: record._id });
      const finishedAt = new Date();
      if (queued > 0) {
        const duplicatesOfExisting = Math.max(0, record.total - record.rejected - queued);
        await imports.updateOne(lease.held, {
          $set: { status: 'SUCCEEDED', accepted: queued, duplicatesOfExisting, finishedAt },
        });
      } else {
        const error =
          'The process importing this list stopped before it finished ' +
          `(last heartbeat ${record.heartbeatAt?.toISOString()}); no lead of it was queued. Upload the list again.`;
        await imports.updateOne(lease.held, { $set: { status: 'FAILED', error, finishedAt } });
      }
    } finally {
      lease.stop();
    }
  }
  return taken.length;
}
