import type { ObjectStore, StoredObject } from '../../datasources/objects/port';
import type { Db } from '../../datasources/store';
import { LAKE_FILE_COUNTS, LAKE_MERGES, type LakeFileCountDoc, type LakeMergeDoc } from '../fans/lake/lakeModel';
import { pauseBetweenBatches } from './deleteInBatches';
import { LAKE_PREFIXES, lakePeriodOf } from './lakePeriods';
import { earliest, type RetentionSweeper } from './sweeper';

/** The keys an unfinished merge reads or writes: left alone until it is done. */
async function keysOfOpenMerges(db: Db): Promise<Set<string>> {
  const open = await db.collection<LakeMergeDoc>(LAKE_MERGES).find({ open: true }).toArray();
  return new Set(
    open.flatMap((merge) => [
      merge.mergedKey,
      merge.stagingKey,
      ...merge.inputs.flatMap((input) => [input.key, input.archivedKey]),
    ]),
  );
}

/** The data time of a file: the start and end of the period its key names, else when it was written. */
const periodOf = (file: StoredObject) => {
  const period = lakePeriodOf(file.key);
  return period ?? { start: file.lastModified, end: file.lastModified };
};

/**
 * Lake files (Avro records live and archived, campaign-event partitions) go once the whole
 * period they hold is before the cutoff, their record counts with them. The listing is also
 * how the oldest file kept is known, so a sweep finds it even when the lake is kept for good.
 */
export function lakeSweeper(db: Db, objects: ObjectStore): RetentionSweeper {
  return {
    kind: 'LAKE_FILES',
    oldest: async () => undefined,
    async sweep(cutoff, policy) {
      const busy = await keysOfOpenMerges(db);
      let deleted = 0;
      let oldestAt: Date | null = null;
      for (const prefix of LAKE_PREFIXES) {
        const expired: string[] = [];
        for (const file of await objects.list(prefix)) {
          const period = periodOf(file);
          if (cutoff && period.end.getTime() <= cutoff.getTime() && !busy.has(file.key)) expired.push(file.key);
          else oldestAt = earliest(oldestAt, period.start);
        }
        for (let at = 0; at < expired.length; at += policy.batchSize) {
          policy.signal?.throwIfAborted();
          const batch = expired.slice(at, at + policy.batchSize);
          for (const key of batch) await objects.delete(key);
          await db.collection<LakeFileCountDoc>(LAKE_FILE_COUNTS).deleteMany({ _id: { $in: batch } });
          deleted += batch.length;
          await pauseBetweenBatches(policy);
        }
      }
      return { deleted, oldestAt };
    },
  };
}
