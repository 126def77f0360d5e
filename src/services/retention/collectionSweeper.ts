import type { Db, Document } from '../../datasources/store';
import { deleteInBatches } from './deleteInBatches';
import type { RetainedCollection } from './retainedCollections';
import type { RetentionKind } from './retentionKinds';
import { earliest, type RetentionSweeper } from './sweeper';

/** A kind kept in store collections: each collection's expired documents deleted in batches. */
export function collectionSweeper(db: Db, kind: RetentionKind, collections: RetainedCollection[]): RetentionSweeper {
  return {
    kind,
    async oldest() {
      let oldest: Date | null = null;
      for (const { collection, timeField, oldest: first } of collections) {
        const document = await db
          .collection(collection)
          .findOne(first.filter, { sort: first.sort, projection: { [timeField]: 1 } });
        const time = (document as Document | null)?.[timeField];
        if (time instanceof Date) oldest = earliest(oldest, time);
      }
      return oldest;
    },
    async sweep(cutoff, policy) {
      if (!cutoff) return { deleted: 0 };
      let deleted = 0;
      for (const { collection, expired } of collections) {
        deleted += await deleteInBatches(db.collection(collection), expired(cutoff), policy);
      }
      return { deleted };
    },
  };
}
