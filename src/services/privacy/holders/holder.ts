import type { ObjectStore } from '../../../datasources/objects/port';
import type { AnyBulkWriteOperation, Db, Document, Filter } from '../../../datasources/store';

/** A document of any collection, as the holders read it (ids are strings, or ObjectIds in the click log). */
export type StoredDoc = Document & { _id: string };

export type HolderFilter = Filter<StoredDoc>;
import type { Pseudonyms } from '../pseudonyms';
import type { PersonTrail } from '../trail';

/** What an erasure does to a collection's documents of the person. */
export type ErasureAction = 'DELETE' | 'ANONYMIZE';

export interface ErasedCounts {
  deleted: number;
  anonymized: number;
}

export interface EraseContext {
  db: Db;
  objects: ObjectStore;
  pseudonyms: Pseudonyms;
  now: Date;
}

/**
 * A store collection that may hold a person's data: how to find their documents from the trail
 * (null: nothing to look for), and what erasing does to them. A document only about the person
 * is deleted; one that feeds counts (waves, clicks, campaign stats, code pools) stays, with what
 * names the person replaced by pseudonyms. Every erase is idempotent: a second run finds nothing.
 */
export interface StoreHolder {
  collection: string;
  /** The domain that owns the collection (campaigns, fans, waves, leads, clicks, messaging, privacy). */
  domain: string;
  action: ErasureAction;
  filter(trail: PersonTrail): HolderFilter | null;
  /**
   * What an export shows of a document that also holds other people's data (an import's or a
   * wave's list of rejected rows): only the person's part. Absent: the whole document.
   */
  present?(doc: StoredDoc, trail: PersonTrail): Document;
  erase(context: EraseContext, filter: HolderFilter, trail: PersonTrail): Promise<ErasedCounts>;
}

const BATCH = 500;

/** Erase by deleting every matching document. */
export async function deleteMatching(context: EraseContext, collection: string, filter: HolderFilter) {
  const { deletedCount } = await context.db.collection<StoredDoc>(collection).deleteMany(filter);
  return { deleted: deletedCount, anonymized: 0 };
}

/**
 * Erase by rewriting each matching document: `change` answers its update (or null to leave it),
 * applied in bulk writes of 500, each guarded by the document's _id only.
 */
export async function updateMatching<T extends Document>(
  context: EraseContext,
  collection: string,
  filter: HolderFilter,
  change: (doc: T) => Document | null,
): Promise<ErasedCounts> {
  const target = context.db.collection<StoredDoc>(collection);
  let anonymized = 0;
  let batch: AnyBulkWriteOperation<StoredDoc>[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const result = await target.bulkWrite(batch, { ordered: false });
    anonymized += result.modifiedCount;
    batch = [];
  };
  for await (const doc of target.find(filter)) {
    const update = change(doc as unknown as T);
    if (update) batch.push({ updateOne: { filter: { _id: doc._id }, update } });
    if (batch.length >= BATCH) await flush();
  }
  await flush();
  return { deleted: 0, anonymized };
}

/**
 * Erase by moving each matching document to a new _id (its old one is made of the person's ids):
 * `rekey` answers the document as it is to be stored. The new one is written before the old one
 * is deleted, so a crash in between leaves both, and the retry finishes the move.
 */
export async function rekeyMatching<T extends Document>(
  context: EraseContext,
  collection: string,
  filter: HolderFilter,
  rekey: (doc: T) => StoredDoc,
): Promise<ErasedCounts> {
  const target = context.db.collection<StoredDoc>(collection);
  let anonymized = 0;
  const docs = await target.find(filter).toArray();
  for (let at = 0; at < docs.length; at += BATCH) {
    const slice = docs.slice(at, at + BATCH);
    const moved = slice.map((doc) => ({ from: doc._id, to: rekey(doc as unknown as T) }));
    await target.bulkWrite(
      moved.map(({ to }) => ({ replaceOne: { filter: { _id: to._id }, replacement: to, upsert: true } })),
      { ordered: false },
    );
    const gone = moved.filter(({ from, to }) => from !== to._id).map(({ from }) => from);
    if (gone.length) await target.deleteMany({ _id: { $in: gone } });
    anonymized += slice.length;
  }
  return { deleted: 0, anonymized };
}

/** The holder's documents, counted and not changed: they name only an anonymized document. */
export async function countMatching(context: EraseContext, collection: string, filter: HolderFilter) {
  return { deleted: 0, anonymized: await context.db.collection<StoredDoc>(collection).countDocuments(filter) };
}
