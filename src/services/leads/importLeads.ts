import type { Readable } from 'node:stream';
import type { Db } from '../../datasources/store';
import { conflict } from '../../errors';
import { uploadFileName } from '../uploads/fileName';
import { DEFAULT_LEASE_TIMING, RecordLease, type LeaseTiming } from '../uploads/importLease';
import { readRows, type UploadLimits } from '../uploads/readRows';
import { withSpreadsheetDefaults } from '../uploads/uploadLimits';
import { newId } from './ids';
import { parseLeadRow, type LeadRowFields } from './leadRow';
import { LEAD_IMPORTS, MAX_LISTED_REJECTIONS, type LeadImportDoc, type RejectedLeadRow } from './model';
import { insertNewLeads, type AcceptedRow } from './insertLeads';

export interface ImportLeadsInput {
  source: Readable;
  filename: string;
  listName: string | null;
  /** Who uploaded it (API key name). */
  uploadedBy: string;
  limits: UploadLimits;
  now?: Date;
  /** The record's heartbeat while RUNNING, and how long a silent one is given before it is finished as dead. */
  lease?: LeaseTiming;
}

/**
 * Reads an uploaded lead list and queues its good rows. The import's record is RUNNING, with a
 * lease, from the first byte: a process that dies leaves a record another one finishes (see
 * leadImportRecovery.ts). The whole file is read and checked before anything is queued (rows
 * and bytes are bounded by the limits), so a file refused for its size or format leaves nothing
 * behind, its record included. The good rows are then queued in one write. Bad rows are listed
 * with their reason; rows whose email already has an open lead are skipped and counted apart.
 */
export async function importLeads(db: Db, input: ImportLeadsInput): Promise<LeadImportDoc> {
  const now = input.now ?? new Date();
  const imports = db.collection<LeadImportDoc>(LEAD_IMPORTS);
  const lease = new RecordLease(imports, newId(), input.lease ?? DEFAULT_LEASE_TIMING);
  const filename = uploadFileName(input.filename, withSpreadsheetDefaults(input.limits).maxFileNameChars);
  const leadImport: LeadImportDoc = {
    _id: lease.id,
    listName: input.listName,
    filename,
    uploadedBy: input.uploadedBy,
    createdAt: now,
    total: 0,
    accepted: 0,
    rejected: 0,
    duplicatesOfExisting: 0,
    rejectedRows: [],
    status: 'RUNNING',
    ...lease.fields(now),
  };
  await imports.insertOne(leadImport);
  lease.start();
  try {
    let read: Awaited<ReturnType<typeof readLeadRows>>;
    try {
      read = await readLeadRows({ ...input, filename });
    } catch (error) {
      await imports.deleteOne(lease.held);
      throw error;
    }
    const { accepted, rejectedRows, total } = read;
    // what the file held, kept so that a process dying while the leads are queued can be finished
    leadImport.total = total;
    leadImport.rejected = rejectedRows.length;
    leadImport.rejectedRows = rejectedRows.slice(0, MAX_LISTED_REJECTIONS);
    const { rejected, rejectedRows: listed } = leadImport;
    await imports.updateOne(lease.held, { $set: { total, rejected, rejectedRows: listed } });
    // leads queued after another process finished this import as FAILED would contradict it
    if (lease.expired)
      throw conflict(`Lead import ${lease.id} lost its hold (its heartbeat stalled); upload the list again`);
    const duplicates = await insertNewLeads(db, {
      importId: leadImport._id,
      rows: accepted,
      uploadedAt: now,
      actor: input.uploadedBy,
    });
    leadImport.accepted = accepted.length - duplicates.length;
    leadImport.duplicatesOfExisting = duplicates.length;
    const skipped = [...rejectedRows, ...duplicates].sort((a, b) => a.rowNumber - b.rowNumber);
    leadImport.rejectedRows = skipped.slice(0, MAX_LISTED_REJECTIONS);
    leadImport.status = 'SUCCEEDED';
    leadImport.finishedAt = new Date();
    const { _id, runId: _runId, heartbeatAt: _heartbeatAt, ...finished } = leadImport;
    await imports.updateOne(lease.held, { $set: finished });
    return { ...finished, _id };
  } finally {
    lease.stop();
  }
}

async function readLeadRows(input: ImportLeadsInput) {
  const accepted: AcceptedRow[] = [];
  const rejectedRows: RejectedLeadRow[] = [];
  const firstRowOfEmail = new Map<string, number>();
  let total = 0;
  for await (const row of readRows(input.source, input.filename, { ...input.limits, requiredHeaders: ['email'] })) {
    total += 1;
    const parsed = parseLeadRow(row.record);
    if (!parsed.ok) {
      rejectedRows.push({
        rowNumber: row.rowNumber,
        email: parsed.email,
        reason: parsed.reason,
        message: parsed.message,
      });
      continue;
    }
    const first = firstRowOfEmail.get(parsed.lead.email);
    if (first !== undefined) {
      rejectedRows.push({
        rowNumber: row.rowNumber,
        email: parsed.lead.email,
        reason: 'DUPLICATE_IN_FILE',
        message: `The same email is on row ${first}`,
      });
      continue;
    }
    firstRowOfEmail.set(parsed.lead.email, row.rowNumber);
    accepted.push({ rowNumber: row.rowNumber, fields: parsed.lead satisfies LeadRowFields });
  }
  return { accepted, rejectedRows, total };
}
