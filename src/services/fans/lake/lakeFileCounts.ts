import type { AnyBulkWriteOperation, Db } from '../../../datasources/store';
import { LAKE_FILE_COUNTS, type LakeFileCountDoc } from './lakeModel';

/** Records each lake file holds, as far as a merge or the import counted them. */
export class LakeFileCounts {
  constructor(private readonly db: Db) {}

  private get collection() {
    return this.db.collection<LakeFileCountDoc>(LAKE_FILE_COUNTS);
  }

  /** Stores (or restates) counts; one bulk write. */
  async save(counts: Omit<LakeFileCountDoc, 'at'>[]): Promise<void> {
    if (counts.length === 0) return;
    const at = new Date();
    const operations: AnyBulkWriteOperation<LakeFileCountDoc>[] = counts.map(({ _id, ...count }) => ({
      updateOne: { filter: { _id }, update: { $set: { ...count, at } }, upsert: true },
    }));
    await this.collection.bulkWrite(operations, { ordered: false });
  }

  /** The known counts of these keys. */
  async of(keys: readonly string[]): Promise<Map<string, LakeFileCountDoc>> {
    if (keys.length === 0) return new Map();
    const docs = await this.collection.find({ _id: { $in: [...keys] } }).toArray();
    return new Map(docs.map((doc) => [doc._id, doc]));
  }
}
