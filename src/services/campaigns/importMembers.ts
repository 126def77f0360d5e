import type { Readable } from 'node:stream';
import type { Db } from 'mongodb';
import { AppError } from '../../errors';
import { readRows, type CellValue, type UploadLimits } from '../uploads/readRows';
import { entities, requireActive } from './catalog';
import { isValidEmail, normalizeEmail } from './email';
import { C, newId, type AudienceImportDoc, type ImportMode, type ImportReject, type MembershipDoc } from './model';
import { upsertMembersIntoAudience, type MemberRow } from './upsertMembers';

// Within the embedded planner's 10,000 index points per `$in`, and few enough commits that the
// per-commit sync stays a small share of the import
const BATCH_SIZE = 5000;
const MAX_STORED_REJECTS = 1000;
/** Columns that map to member fields; every other column becomes an attribute. */
const memberColumns = new Set(['email', 'name', 'contact', 'phone']);

export interface ImportMembersInput {
  audienceId: string;
  file: Readable;
  filename: string;
  mode: ImportMode;
  /** Replace name, contact and attributes of members that already exist (default: keep them). */
  overwrite: boolean;
}

/**
 * Streams a CSV/xlsx of members into an audience. Bad rows (invalid e-mail, an e-mail seen
 * earlier in the file) are rejected with their row number and the rest goes on; good rows are
 * stored in batches. REPLACE removes, after the whole file went in, the audience's members that
 * the file did not list, so a failed upload never empties an audience.
 */
export async function importAudienceMembers(db: Db, limits: UploadLimits, input: ImportMembersInput, now = new Date()): Promise<AudienceImportDoc> {
  await requireActive(db, entities.audience, input.audienceId, 'audienceId');
  const imports = db.collection<AudienceImportDoc>(C.imports);
  const record: AudienceImportDoc = {
    _id: newId(),
    audienceId: input.audienceId,
    filename: input.filename,
    mode: input.mode,
    overwrite: input.overwrite,
    status: 'RUNNING',
    counts: { rows: 0, accepted: 0, rejected: 0, duplicatesInFile: 0, created: 0, updated: 0, existingMembers: 0, addedToAudience: 0, removedFromAudience: 0 },
    rejects: [],
    createdAt: now,
  };
  await imports.insertOne(record);
  try {
    await readIntoAudience(db, limits, input, record, now);
    if (input.mode === 'REPLACE') {
      const removed = await db
        .collection<MembershipDoc>(C.memberships)
        .deleteMany({ audienceId: input.audienceId, importId: { $ne: record._id } });
      record.counts.removedFromAudience = removed.deletedCount;
    }
    record.status = 'SUCCEEDED';
  } catch (error) {
    record.status = 'FAILED';
    record.error = error instanceof AppError ? error.message : 'The import failed; see the service log';
    throw error;
  } finally {
    record.finishedAt = new Date();
    await imports.replaceOne({ _id: record._id }, record);
  }
  return record;
}

async function readIntoAudience(db: Db, limits: UploadLimits, input: ImportMembersInput, record: AudienceImportDoc, now: Date): Promise<void> {
  const firstRowOf = new Map<string, number>();
  let batch: MemberRow[] = [];
  const reject = (entry: ImportReject) => {
    record.counts.rejected += 1;
    if (record.rejects.length < MAX_STORED_REJECTS) record.rejects.push(entry);
  };
  // One batch is stored while the next is parsed: batches hold distinct e-mails, so they never
  // touch the same member, and awaiting the previous store before starting the next keeps one
  // write in flight and its error surfacing here.
  let storing: Promise<void> = Promise.resolve();
  const store = async (rows: MemberRow[]) => {
    const counts = await upsertMembersIntoAudience(db, input.audienceId, rows, { overwrite: input.overwrite, importId: record._id, now });
    record.counts.created += counts.created;
    record.counts.updated += counts.updated;
    record.counts.existingMembers += counts.existing;
    record.counts.addedToAudience += counts.addedToAudience;
  };
  const flush = async () => {
    await storing;
    if (batch.length === 0) return;
    storing = store(batch);
    storing.catch(() => undefined);
    batch = [];
  };
  try {
    for await (const { rowNumber, record: cells } of readRows(input.file, input.filename, { ...limits, requiredHeaders: ['email'] })) {
      record.counts.rows += 1;
      const row = memberRow(cells);
      if (!row) {
        reject({ rowNumber, email: text(cells.email), reason: 'invalid e-mail address' });
        continue;
      }
      const firstRow = firstRowOf.get(row.email);
      if (firstRow !== undefined) {
        record.counts.duplicatesInFile += 1;
        reject({ rowNumber, email: row.email, reason: `duplicate of row ${firstRow} (same e-mail)` });
        continue;
      }
      firstRowOf.set(row.email, rowNumber);
      record.counts.accepted += 1;
      batch.push(row);
      if (batch.length >= BATCH_SIZE) await flush();
    }
    await flush();
  } catch (error) {
    // a failed file leaves no write running behind the import's FAILED record
    await storing.catch(() => undefined);
    throw error;
  }
  await storing;
}

/** The member a row describes, or null when its e-mail is missing or invalid. */
export function memberRow(cells: Record<string, CellValue>): MemberRow | null {
  const email = normalizeEmail(text(cells.email) ?? '');
  if (!isValidEmail(email)) return null;
  const attributes: Record<string, string> = {};
  for (const [column, value] of Object.entries(cells)) {
    const asText = text(value);
    if (!memberColumns.has(column) && asText) attributes[column] = asText;
  }
  return { email, name: text(cells.name), contact: text(cells.contact) ?? text(cells.phone), attributes };
}

function text(value: CellValue | undefined): string | null {
  if (value === null || value === undefined) return null;
  const asText = value instanceof Date ? value.toISOString() : String(value).trim();
  return asText === '' ? null : asText;
}
