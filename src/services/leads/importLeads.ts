import type { Readable } from 'node:stream';
import type { Db } from '../../datasources/store';
import { readRows, type UploadLimits } from '../uploads/readRows';
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
}

/**
 * Reads an uploaded lead list and queues its good rows. The whole file is read and checked
 * before anything is stored (rows and bytes are bounded by the limits), so a file refused for
 * its size or format leaves nothing behind. Bad rows are listed with their reason; rows whose
 * email already has an open lead are skipped and counted apart.
 */
export async function importLeads(db: Db, input: ImportLeadsInput): Promise<LeadImportDoc> {
  const now = input.now ?? new Date();
  const { accepted, rejectedRows, total } = await readLeadRows(input);
  const importId = newId();
  const duplicates = await insertNewLeads(db, { importId, rows: accepted, uploadedAt: now, actor: input.uploadedBy });
  const rejected = rejectedRows.length;
  const listed = [...rejectedRows, ...duplicates].sort((a, b) => a.rowNumber - b.rowNumber).slice(0, MAX_LISTED_REJECTIONS);
  const leadImport: LeadImportDoc = {
    _id: importId,
    listName: input.listName,
    filename: input.filename,
    uploadedBy: input.uploadedBy,
    createdAt: now,
    total,
    accepted: accepted.length - duplicates.length,
    rejected,
    duplicatesOfExisting: duplicates.length,
    rejectedRows: listed,
  };
  await db.collection<LeadImportDoc>(LEAD_IMPORTS).insertOne(leadImport);
  return leadImport;
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
      rejectedRows.push({ rowNumber: row.rowNumber, email: parsed.email, reason: parsed.reason, message: parsed.message });
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
