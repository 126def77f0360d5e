import type { Readable } from 'node:stream';
import type { Db } from '../../datasources/store';
import { AppError } from '../../errors';
import { readRowBatches, type CellValue, type UploadLimits } from '../uploads/readRows';
import { entities, requireActive } from './catalog';
import { isValidEmail, normalizeEmail } from './email';
import { C, newId, type AudienceImportDoc, type ImportMode, type ImportReject, type MembershipDoc } from './model';
import { upsertMembersIntoAudience, type MemberRow } from './upsertMembers';
import { WritePipeline } from './writePipeline';

// Within the embedded planner's 10,000 index points per `$in` (existing members are looked up
// by e-mail), and few enough commits that the per-commit sync stays a small share of the import
const BATCH_SIZE = 5000;
/** Two batches stored at once: one commits while the other's documents are written. */
const WRITES_IN_FLIGHT = 2;
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
  // only a REPLACE needs to know which memberships this import listed
  const options = { overwrite: input.overwrite, importId: input.mode === 'REPLACE' ? record._id : undefined, now };
  // a file of mostly known members (a list refreshed again) has its e-mails looked up first
  let expectExisting = false;
  const store = async (rows: MemberRow[]) => {
    const counts = await upsertMembersIntoAudience(db, input.audienceId, rows, { ...options, expectExisting });
    expectExisting = counts.existing * 2 > rows.length;
    record.counts.created += counts.created;
    record.counts.updated += counts.updated;
    record.counts.existingMembers += counts.existing;
    record.counts.addedToAudience += counts.addedToAudience;
  };
  // Batches hold distinct e-mails, so they never touch the same member and may be stored while
  // the next ones are parsed and inserted.
  const writes = new WritePipeline(WRITES_IN_FLIGHT);
  const flush = async () => {
    const rows = batch;
    batch = [];
    if (rows.length > 0) await writes.add(() => store(rows));
  };
  try {
    for await (const rows of readRowBatches(input.file, input.filename, { ...limits, requiredHeaders: ['email'] })) {
      for (const { rowNumber, record: cells } of rows) {
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
    }
    await flush();
  } catch (error) {
    // a failed file leaves no write running behind the import's FAILED record
    await writes.drain().catch(() => undefined);
    throw error;
  }
  await writes.drain();
}

/** The member a row describes, or null when its e-mail is missing or invalid. */
export function memberRow(cells: Record<string, CellValue>): MemberRow | null {
  const email = normalizeEmail(text(cells.email) ?? '');
  if (!isValidEmail(email)) return null;
  const attributes: Record<string, string> = {};
  for (const column in cells) {
    if (memberColumns.has(column)) continue;
    const asText = text(cells[column]);
    if (asText) attributes[column] = asText;
  }
  return { email, name: text(cells.name), contact: text(cells.contact) ?? text(cells.phone), attributes };
}

function text(value: CellValue | undefined): string | null {
  if (value === null || value === undefined) return null;
  const asText = value instanceof Date ? value.toISOString() : String(value).trim();
  return asText === '' ? null : asText;
}
