import type { Db } from '../../datasources/store';

/**
 * Files an erasure rewrote under a drop folder (`scored/`, `fanlist/uploaded/`): a new version of
 * such a file is normally a new file to process, but a rewrite only took a person out of one
 * already processed. One document per key: the rewrite in progress, then the version it wrote.
 */
export const OBJECT_REWRITES = 'objectRewrites';

export interface ObjectRewriteDoc {
  /** The object key. */
  _id: string;
  /** Set before the rewritten file is put, so a poll in between does not take it either. */
  startedAt: Date;
  /** The version the rewrite wrote (the drop folder's own notion of a version), once put. */
  version: string | null;
}

/** A rewrite that never recorded its version stops shielding the key after this long. */
const PENDING_MS = 15 * 60_000;

/** Marks `key` as being rewritten. */
export async function startRewrite(db: Db, key: string, at = new Date()): Promise<void> {
  await db
    .collection<ObjectRewriteDoc>(OBJECT_REWRITES)
    .updateOne({ _id: key }, { $set: { startedAt: at, version: null } }, { upsert: true });
}

/** Records the version the rewrite of `key` wrote. */
export async function finishRewrite(db: Db, key: string, version: string): Promise<void> {
  await db.collection<ObjectRewriteDoc>(OBJECT_REWRITES).updateOne({ _id: key }, { $set: { version } });
}

/** True when this version of `key` is an erasure's rewrite (or one is being written): not a new file. */
export async function isRewrite(db: Db, key: string, version: string, now = new Date()): Promise<boolean> {
  const rewrite = await db.collection<ObjectRewriteDoc>(OBJECT_REWRITES).findOne({ _id: key });
  if (!rewrite) return false;
  if (rewrite.version !== null) return rewrite.version === version;
  return now.getTime() - rewrite.startedAt.getTime() < PENDING_MS;
}
