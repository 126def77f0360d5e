import type { Db, Filter } from '../../datasources/store';
import { conflict } from '../../errors';
import { takeOverStale, type LeaseTiming, type RecordLease } from '../uploads/importLease';
import { dropUndo, undoMemberWrites } from './memberUndo';
import { C, type AudienceImportDoc, type MembershipDoc } from './model';

const DUPLICATE_KEY = 11000;

const importsOf = (db: Db) => db.collection<AudienceImportDoc>(C.imports);
type Lease = RecordLease<AudienceImportDoc>;

/**
 * Stores a new import's record as its audience's holder (the unique index on active imports
 * allows one). A holder whose process died is finished first; a live one answers CONFLICT.
 */
export async function holdAudience(db: Db, record: AudienceImportDoc, timing: LeaseTiming): Promise<void> {
  if (await insertHolder(db, record)) return;
  await recoverStaleImports(db, timing, { audienceId: record.audienceId });
  if (await insertHolder(db, record)) return;
  throw await busy(db, record.audienceId);
}

/** CONFLICT while a live import holds the audience (one whose process died is finished first). */
export async function requireNotHeld(db: Db, audienceId: string, timing: LeaseTiming): Promise<void> {
  if (!(await importsOf(db).findOne({ audienceId, active: true }, { projection: { _id: 1 } }))) return;
  await recoverStaleImports(db, timing, { audienceId });
  if (await importsOf(db).findOne({ audienceId, active: true }, { projection: { _id: 1 } }))
    throw await busy(db, audienceId);
}

async function insertHolder(db: Db, record: AudienceImportDoc): Promise<boolean> {
  try {
    await importsOf(db).insertOne(record);
    return true;
  } catch (error) {
    if ((error as { code?: number }).code === DUPLICATE_KEY) return false;
    throw error;
  }
}

async function busy(db: Db, audienceId: string): Promise<Error> {
  const holder = await importsOf(db).findOne({ audienceId, active: true });
  const which = holder ? ` (import ${holder._id}, started ${holder.createdAt.toISOString()})` : '';
  return conflict(`Audience ${audienceId} is being imported${which}; try again when that import has finished`);
}

/**
 * Finishes the imports whose process died, found by their stale lease: one still RUNNING ends
 * FAILED with the reason and its staged memberships are dropped; one that failed or published
 * but had not cleaned up has its clean-up done. Each is taken by one process only. Answers how
 * many were finished.
 */
export async function recoverStaleImports(
  db: Db,
  timing: LeaseTiming,
  filter: Filter<AudienceImportDoc> = {},
): Promise<number> {
  const taken = await takeOverStale(importsOf(db), { ...filter, active: true }, timing);
  for (const { record, lease } of taken) {
    try {
      if (record.status === 'RUNNING') {
        const reason =
          'The process running this import stopped before it finished ' +
          `(last heartbeat ${record.heartbeatAt?.toISOString()}); nothing of it was published. Upload the file again.`;
        await markFailed(db, lease, record, reason);
      }
      await settleImport(db, record, lease);
    } finally {
      lease.stop();
    }
  }
  return taken.length;
}

/** Ends a held import as FAILED: nothing of it reaches the audience. */
export async function markFailed(db: Db, lease: Lease, record: AudienceImportDoc, reason: string): Promise<void> {
  record.status = 'FAILED';
  record.error = reason;
  record.finishedAt = new Date();
  record.counts.created = 0;
  record.counts.updated = 0;
  record.counts.addedToAudience = 0;
  record.counts.removedFromAudience = 0;
  await importsOf(db).updateOne(lease.held, {
    $set: { status: 'FAILED', error: reason, finishedAt: record.finishedAt, counts: record.counts },
  });
}

/**
 * Publishes a staged import in one update of its record: its memberships are shown from then on,
 * and the members it wrote are anyone's. It stays the audience's holder until settleImport has
 * dropped its undo records (and, for a REPLACE, `replacing`, deleted the memberships it did not
 * list, which readers already skip). False when the lease was lost meanwhile.
 */
export async function publishImport(db: Db, lease: Lease, record: AudienceImportDoc): Promise<boolean> {
  record.status = 'SUCCEEDED';
  record.finishedAt = new Date();
  const finished = {
    status: record.status,
    finishedAt: record.finishedAt,
    counts: record.counts,
    rejects: record.rejects,
  };
  const replacing = record.mode === 'REPLACE' ? { replacing: true as const } : {};
  const published = await importsOf(db).updateOne(lease.held, {
    $set: { ...finished, ...replacing },
    $unset: { staged: '' },
  });
  if (published.matchedCount === 0) return false;
  delete record.staged;
  Object.assign(record, replacing);
  return true;
}

/**
 * The clean-up after a held import ends, then the audience is let go: a failed import's member
 * writes are undone and its staged memberships deleted; a published one drops its undo records,
 * and a published REPLACE deletes the memberships it did not list.
 */
export async function settleImport(db: Db, record: AudienceImportDoc, lease: Lease): Promise<void> {
  const memberships = db.collection<MembershipDoc>(C.memberships);
  if (record.staged || record.status === 'FAILED') {
    await undoMemberWrites(db, record._id, record.createdAt);
    await memberships.deleteMany({ audienceId: record.audienceId, importId: record._id });
  } else {
    await dropUndo(db, record._id);
    if (record.replacing) {
      const removed = await memberships.deleteMany({ audienceId: record.audienceId, listedBy: { $ne: record._id } });
      record.counts.removedFromAudience += removed.deletedCount;
      await importsOf(db).updateOne(lease.held, {
        $set: { 'counts.removedFromAudience': record.counts.removedFromAudience },
      });
    }
  }
  await importsOf(db).updateOne(lease.held, { $unset: { active: '', staged: '', replacing: '' } });
  delete record.active;
  delete record.staged;
  delete record.replacing;
}
