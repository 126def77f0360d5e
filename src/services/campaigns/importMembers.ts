import type { Readable } from 'node:stream';
import type { Db } from '../../datasources/store';
import { AppError, conflict } from '../../errors';
import { uploadFileName } from '../uploads/fileName';
import { DEFAULT_LEASE_TIMING, RecordLease, type LeaseTiming } from '../uploads/importLease';
import { readRowBatches, type CellValue, type UploadLimits } from '../uploads/readRows';
import { withSpreadsheetDefaults } from '../uploads/uploadLimits';
import { entities, requireActive } from './catalog';
import { isValidEmail, normalizeEmail } from './email';
import { holdAudience, markFailed, publishImport, settleImport } from './importHold';
import { readPhone, readSmsConsent, readTimeZone } from './memberContact';
import { C, newId, type AudienceImportDoc, type ImportMode, type ImportReject } from './model';
import { upsertMembersIntoAudience, type MemberRow } from './upsertMembers';
import { WritePipeline } from './writePipeline';

// Within the embedded planner's 10,000 index points per `$in` (existing members are looked up
// by e-mail), and few enough commits that the per-commit sync stays a small share of the import
const BATCH_SIZE = 5000;
/** Two batches stored at once: one commits while the other's documents are written. */
const WRITES_IN_FLIGHT = 2;
const MAX_STORED_REJECTS = 1000;
/** Columns that map to member fields; every other column (`country` too) becomes an attribute. */
const memberColumns = new Set(['email', 'name', 'contact', 'phone', 'timezone', 'smsconsent']);
/** MEMBER_PHONE_COUNTRY's default, for callers that do not give the setting. */
const DEFAULT_PHONE_COUNTRY = 'US';

export interface ImportMembersInput {
  audienceId: string;
  file: Readable;
  filename: string;
  mode: ImportMode;
  /** Replace name, contact and attributes of members that already exist (default: keep them). */
  overwrite: boolean;
}

export interface ImportMembersOptions {
  now?: Date;
  /** The import record's heartbeat and how long a silent one is given before it is finished as dead. */
  lease?: LeaseTiming;
  /** The country a phone without a + prefix is read in when its row has no `country` (MEMBER_PHONE_COUNTRY). */
  phoneCountry?: string;
}

/**
 * Streams a CSV/xlsx of members into an audience, all or nothing. Bad rows (invalid e-mail, an
 * e-mail seen earlier in the file, a phone, time zone or SMS consent that cannot be read) are
 * rejected with their row number and the reason, and the rest goes on.
 * Good rows are stored in batches as the file is read, but staged: their memberships carry the
 * import's id, and readers leave them out while the import record says it is staged. Once the
 * whole file went in, one update of the record publishes them (a REPLACE then deletes the
 * memberships the file did not list, which readers already skip). A file refused or failing
 * part way, or a process that dies, leaves the audience as it was, and its members too: the
 * members it created are deleted and the ones it overwrote restored (see upsertMembers.ts).
 * One import holds an audience at a time (CONFLICT for a second one); its record's lease lets
 * another process finish it as FAILED if this one dies.
 */
export async function importAudienceMembers(
  db: Db,
  limits: UploadLimits,
  input: ImportMembersInput,
  options: ImportMembersOptions = {},
): Promise<AudienceImportDoc> {
  const now = options.now ?? new Date();
  const timing = options.lease ?? DEFAULT_LEASE_TIMING;
  const filename = uploadFileName(input.filename, withSpreadsheetDefaults(limits).maxFileNameChars);
  try {
    await requireActive(db, entities.audience, input.audienceId, 'audienceId');
  } catch (error) {
    input.file.destroy();
    throw error;
  }
  const imports = db.collection<AudienceImportDoc>(C.imports);
  const _id = newId();
  const lease = new RecordLease(imports, _id, timing);
  const record: AudienceImportDoc = {
    _id,
    audienceId: input.audienceId,
    filename,
    mode: input.mode,
    overwrite: input.overwrite,
    status: 'RUNNING',
    counts: {
      rows: 0,
      accepted: 0,
      rejected: 0,
      duplicatesInFile: 0,
      created: 0,
      updated: 0,
      existingMembers: 0,
      addedToAudience: 0,
      removedFromAudience: 0,
    },
    rejects: [],
    createdAt: now,
    active: true,
    staged: true,
    ...lease.fields(now),
  };
  try {
    await holdAudience(db, record, timing);
  } catch (error) {
    input.file.destroy();
    throw error;
  }
  lease.start();
  try {
    const reading = { phoneCountry: options.phoneCountry ?? DEFAULT_PHONE_COUNTRY, at: now };
    await readIntoAudience(db, limits, { ...input, filename }, record, lease, reading);
    if (!(await publishImport(db, lease, record))) {
      throw conflict(`Import ${record._id} was given up as stopped before it was published; upload the file again`);
    }
  } catch (error) {
    if (!lease.lost && record.status === 'RUNNING') {
      const reason = error instanceof AppError ? error.message : 'The import failed; see the service log';
      // a clean-up cut short here is finished by the recovery sweep once this lease goes stale
      await markFailed(db, lease, record, reason)
        .then(() => settleImport(db, record, lease))
        .catch(() => undefined);
    }
    lease.stop();
    throw error;
  }
  try {
    await settleImport(db, record, lease);
  } finally {
    lease.stop();
  }
  return publicView(record);
}

/** The record as the API shows it, without the lease. */
function publicView(record: AudienceImportDoc): AudienceImportDoc {
  const { runId: _runId, heartbeatAt: _heartbeatAt, ...view } = record;
  return view;
}

async function readIntoAudience(
  db: Db,
  limits: UploadLimits,
  input: ImportMembersInput,
  record: AudienceImportDoc,
  lease: RecordLease<AudienceImportDoc>,
  reading: RowReading,
): Promise<void> {
  const now = reading.at;
  const firstRowOf = new Map<string, number>();
  let batch: MemberRow[] = [];
  const reject = (entry: ImportReject) => {
    record.counts.rejected += 1;
    if (record.rejects.length < MAX_STORED_REJECTS) record.rejects.push(entry);
  };
  const options = { overwrite: input.overwrite, importId: record._id, replace: input.mode === 'REPLACE', now };
  // a file of mostly known members (a list refreshed again) has its e-mails looked up first
  let expectExisting = false;
  const store = async (rows: MemberRow[]) => {
    // staged rows written after another process finished this import would outlive its clean-up
    if (lease.expired) throw conflict(`Import ${record._id} lost its hold on the audience (its heartbeat stalled)`);
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
        const row = memberRow(cells, reading);
        if ('reason' in row) {
          reject({ rowNumber, email: text(cells.email), reason: row.reason });
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

/** How an import reads rows: the country of phones without a + prefix, the time consent "yes" is given at. */
export interface RowReading {
  phoneCountry: string;
  at: Date;
}

/**
 * The member a row describes, or why it cannot be one. A phone is read to E.164 in the row's
 * `country` (else `phoneCountry`); `phone`, `timeZone` and `smsConsent` are set only from a file
 * that has the column, so an overwrite by a file without them keeps the member's.
 */
export function memberRow(cells: Record<string, CellValue>, reading: RowReading): MemberRow | { reason: string } {
  const email = normalizeEmail(text(cells.email) ?? '');
  if (!isValidEmail(email)) return { reason: 'invalid e-mail address' };
  const row: MemberRow = {
    email,
    name: text(cells.name),
    contact: text(cells.contact) ?? text(cells.phone),
    attributes: {},
  };
  if ('phone' in cells) {
    const phone = readPhone(text(cells.phone), text(cells.country) ?? reading.phoneCountry);
    if ('problem' in phone) return { reason: `phone: ${phone.problem}` };
    row.phone = phone.value;
  }
  if ('timezone' in cells) {
    const timeZone = readTimeZone(text(cells.timezone));
    if ('problem' in timeZone) return { reason: `timeZone: ${timeZone.problem}` };
    row.timeZone = timeZone.value;
  }
  if ('smsconsent' in cells) {
    const cell = cells.smsconsent;
    const consent = readSmsConsent(cell instanceof Date ? cell : text(cell), reading.at);
    if ('problem' in consent) return { reason: `smsConsent: ${consent.problem}` };
    row.smsConsentAt = consent.value;
  }
  for (const column in cells) {
    if (memberColumns.has(column)) continue;
    const asText = text(cells[column]);
    if (asText) row.attributes[column] = asText;
  }
  return row;
}

function text(value: CellValue | undefined): string | null {
  if (value === null || value === undefined) return null;
  const asText = value instanceof Date ? value.toISOString() : String(value).trim();
  return asText === '' ? null : asText;
}
