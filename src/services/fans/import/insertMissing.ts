import type { AnyBulkWriteOperation, Collection, Document } from '../../../datasources/store';

/**
 * Inserts the documents that are not there yet, in one bulk write, and leaves those that are as
 * they are: an import run again adds what the last run rejected and changes nothing it loaded,
 * nor anything the service has changed since (a code assigned, an entry scored).
 */
export async function insertMissing<D extends Document & { _id: string }>(
  collection: Collection<D>,
  docs: D[],
): Promise<{ inserted: number; existing: number; insertedIndexes: number[] }> {
  if (docs.length === 0) return { inserted: 0, existing: 0, insertedIndexes: [] };
  const operations = docs.map(({ _id, ...fields }) => ({
    updateOne: { filter: { _id }, update: { $setOnInsert: fields }, upsert: true },
  })) as AnyBulkWriteOperation<D>[];
  const result = await collection.bulkWrite(operations, { ordered: false });
  return {
    inserted: result.upsertedCount,
    existing: result.matchedCount,
    insertedIndexes: Object.keys(result.upsertedIds).map(Number),
  };
}
