import type { Collection } from '../../../datasources/store';
import type { CodeDoc, CodePoolDoc } from '../model';
import type { CodeFileRow } from './codeFileRows';
import { CodeCountChanges, type CodePoolCounts } from './poolCounts';
import { CODE_RULE, formatCode } from './codeFormat';

const DUPLICATE_KEY = 11000;

interface WriteError {
  index: number;
  code?: number;
}

export type CodeRowRejectReason =
  'INVALID_CODE' | 'DUPLICATE_IN_FILE' | 'CODE_OF_OTHER_CAMPAIGN' | 'CODE_IN_OTHER_POOL';

export interface RejectedCodeRow {
  line: number;
  code: string;
  reason: CodeRowRejectReason;
  message: string;
}

export interface InsertedCodes {
  added: number;
  /** Already in this pool from an earlier upload: kept as they are. */
  alreadyInPool: number;
  rejected: RejectedCodeRow[];
}

/**
 * Adds one batch of an upload's codes to the pool as AVAILABLE, in one unordered insert of the
 * codes not stored yet, with the pool's counts in the same commit. A code stored anywhere already
 * tells why it is not added: another campaign's or pool's (rejected), this pool's from an earlier
 * upload (kept), this upload's from another line (a duplicate in the file) or from the same line
 * (this batch again, after a retried job: counted as added).
 */
export async function insertCodes(
  codes: Collection<CodeDoc>,
  counts: CodePoolCounts,
  pool: CodePoolDoc,
  uploadId: string,
  rows: CodeFileRow[],
  now = new Date(),
): Promise<InsertedCodes> {
  const result: InsertedCodes = { added: 0, alreadyInPool: 0, rejected: [] };
  const docs: CodeDoc[] = [];
  for (const row of rows) {
    const code = formatCode(row.value);
    if (code) docs.push(newCode(pool, code, uploadId, row.line, now));
    else {
      const shown = String(row.value ?? '').slice(0, 100);
      result.rejected.push({ line: row.line, code: shown, reason: 'INVALID_CODE', message: CODE_RULE });
    }
  }
  await counts.exclusive(
    docs.map((doc) => doc._id),
    () => insertCounted(codes, counts, pool, docs, result),
  );
  result.rejected.sort((a, b) => a.line - b.line);
  return result;
}

/**
 * Inserts the codes not stored yet (the first line of a code twice in the batch), counted in the
 * same commit; the others are told apart from the code as stored. A code another process
 * inserted between the read and the insert is refused there: its count is given back.
 */
async function insertCounted(
  codes: Collection<CodeDoc>,
  counts: CodePoolCounts,
  pool: CodePoolDoc,
  docs: CodeDoc[],
  result: InsertedCodes,
): Promise<void> {
  if (docs.length === 0) return;
  const stored = await codes.find({ _id: { $in: [...new Set(docs.map((doc) => doc._id))] } }).toArray();
  const byCode = new Map(stored.map((doc) => [doc._id, doc]));
  const fresh: CodeDoc[] = [];
  for (const doc of docs) {
    const found = byCode.get(doc._id);
    if (found) explain(pool, doc, found, result);
    else {
      byCode.set(doc._id, doc);
      fresh.push(doc);
    }
  }
  const changes = new CodeCountChanges();
  for (const doc of fresh) changes.add(doc, 1);
  const [refused] = await Promise.all([insertAll(codes, fresh), ...counts.write(changes)]);
  result.added += fresh.length - refused.length;
  if (refused.length === 0) return;
  const givenBack = new CodeCountChanges();
  for (const doc of refused) givenBack.add(doc, -1);
  await Promise.all(counts.write(givenBack));
  const existing = await codes.find({ _id: { $in: refused.map((doc) => doc._id) } }).toArray();
  const now = new Map(existing.map((doc) => [doc._id, doc]));
  for (const doc of refused) {
    const found = now.get(doc._id);
    if (!found) throw new Error(`code ${doc._id} was refused as a duplicate and then not found`);
    explain(pool, doc, found, result);
  }
}

/** Why `doc` of this upload is not inserted: `found` holds its code. */
function explain(pool: CodePoolDoc, doc: CodeDoc, found: CodeDoc, result: InsertedCodes): void {
  const line = doc.upload!.line;
  const refuse = (reason: CodeRowRejectReason, message: string) =>
    result.rejected.push({ line, code: doc._id, reason, message });
  if (found.campaignId !== pool.campaignId) refuse('CODE_OF_OTHER_CAMPAIGN', 'the code belongs to another campaign');
  else if (found.poolId !== pool._id) refuse('CODE_IN_OTHER_POOL', `the code is in pool ${found.poolId}`);
  else if (found.upload?.id !== doc.upload!.id) result.alreadyInPool += 1;
  else if (found.upload.line === line) result.added += 1;
  else refuse('DUPLICATE_IN_FILE', `the same code is on line ${found.upload.line}`);
}

function newCode(pool: CodePoolDoc, code: string, uploadId: string, line: number, now: Date): CodeDoc {
  return {
    _id: code,
    campaignId: pool.campaignId,
    poolId: pool._id,
    kind: 'NON_TM',
    state: 'AVAILABLE',
    waveId: null,
    entryId: null,
    userId: null,
    reservedAt: null,
    assignedAt: null,
    createdAt: now,
    upload: { id: uploadId, line },
  };
}

/** Inserts the codes; answers those the unique `_id` refused. */
async function insertAll(codes: Collection<CodeDoc>, docs: CodeDoc[]): Promise<CodeDoc[]> {
  if (docs.length === 0) return [];
  try {
    await codes.insertMany(docs, { ordered: false });
    return [];
  } catch (error) {
    // the MongoDB driver gives one write error as the object itself, several as an array
    const { writeErrors } = error as { writeErrors?: WriteError | WriteError[] };
    const failed = Array.isArray(writeErrors) ? writeErrors : writeErrors ? [writeErrors] : [];
    if (failed.length === 0 || failed.some((writeError) => writeError.code !== DUPLICATE_KEY)) throw error;
    return failed.map((writeError) => docs[writeError.index]!);
  }
}
