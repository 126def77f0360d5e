import type { Db, Document } from '../../datasources/store';
import { C, newId, type ImportUndoDoc, type MemberDoc, type MemberSnapshot } from './model';

const undoOf = (db: Db) => db.collection<ImportUndoDoc>(C.importUndo);

/**
 * Records, before a batch writes them, the members it is about to create or overwrite (as they
 * are): one small document per batch, so a failed import finds them without an index on members.
 */
export async function recordUndo(
  db: Db,
  importId: string,
  { created = [], previous = [] }: { created?: string[]; previous?: MemberSnapshot[] },
): Promise<void> {
  await undoOf(db).insertOne({ _id: newId(), importId, created, previous });
}

/**
 * Undoes what a failed import did to members: the ones it created are deleted and the ones it
 * overwrote get their fields back. Each write matches only a member still as the import left it
 * (`importId`, and `updatedAt` for an overwrite), so an edit made by hand since is kept. Safe to
 * run again after a crash part way: the records go last.
 */
export async function undoMemberWrites(db: Db, importId: string, writtenAt: Date): Promise<void> {
  const members = db.collection<MemberDoc>(C.members);
  for await (const undo of undoOf(db).find({ importId })) {
    if (undo.created.length > 0) await members.deleteMany({ _id: { $in: undo.created }, importId });
    if (undo.previous.length === 0) continue;
    await members.bulkWrite(
      undo.previous.map((before) => ({
        updateOne: { filter: { _id: before._id, importId, updatedAt: writtenAt }, update: restoring(before) },
      })),
      { ordered: false },
    );
    // one edited by hand since keeps the edit, and is no longer the import's
    await members.updateMany(
      { _id: { $in: undo.previous.map((before) => before._id) }, importId },
      { $unset: { importId: '' } },
    );
  }
  await dropUndo(db, importId);
}

export async function dropUndo(db: Db, importId: string): Promise<void> {
  await undoOf(db).deleteMany({ importId });
}

/** Fields a member may not have had: absent from its snapshot, they are removed again. */
const OPTIONAL_FIELDS = ['phone', 'timeZone', 'smsConsentAt'] as const;

function restoring({ _id: _ignored, importId, ...fields }: MemberSnapshot): Document {
  const set = { name: null, contact: null, archivedAt: null, ...fields };
  const unset: Record<string, ''> = Object.fromEntries(
    OPTIONAL_FIELDS.filter((field) => !(field in fields)).map((field) => [field, '']),
  );
  if (!importId) unset.importId = '';
  return { $set: importId ? { ...set, importId } : set, ...(Object.keys(unset).length > 0 ? { $unset: unset } : {}) };
}
