import type { ObjectStore } from '../../../datasources/objects/port';
import type { Db } from '../../../datasources/store';
import { LakeFileCounts } from './lakeFileCounts';
import { LAKE_MERGES, type LakeMergeDoc } from './lakeModel';
import { mergeIdOf } from './lakePaths';
import { forEachLimit } from './mapLimit';
import { moveObject } from './moveObject';
import { updateHeld, type MergeHold } from './mergeLease';
import { stageMerge } from './mergeStage';

/** Objects moved at once (a copy and a delete each). */
const MOVES = 8;

interface MoveDeps {
  db: Db;
  objects: ObjectStore;
}

/**
 * The move step of a staged merge (seed 004 moveMergedAvroFiles), in the order that keeps
 * readers of the prefix from ever seeing a record twice: every input leaves the live prefix
 * first (originals to avro/archived/{type}/..., earlier merged files to .../superseded/...),
 * then the merged file enters it. Each move is copy-then-delete, so a rerun after a crash at any
 * point repeats what was half done and skips what was done.
 */
export async function moveMerge(deps: MoveDeps, hold: MergeHold, onMoved?: (moved: number) => Promise<void>) {
  const merges = deps.db.collection<LakeMergeDoc>(LAKE_MERGES);
  if (hold.merge.state === 'STAGED') await updateHeld(merges, hold, { state: 'MOVING' });
  const { inputs, stagingKey, mergedKey } = hold.merge;
  let moved = 0;
  await forEachLimit(inputs, MOVES, async (input) => {
    await moveObject(deps.objects, input.key, input.archivedKey);
    moved += 1;
    if (moved % 100 === 0) await onMoved?.(moved);
  });
  // The staged file lost (a bucket rule, an operator) is written again from the archived inputs.
  if (!(await deps.objects.exists(mergedKey)) && !(await deps.objects.exists(stagingKey))) {
    await stageMerge(deps.objects, hold.merge);
  }
  await moveObject(deps.objects, stagingKey, mergedKey);
  await completeMerge(deps, hold);
}

/**
 * Records what the merge leaves behind (counts of the merged and archived files, merges it
 * superseded), then closes the manifest, which frees the record type for the next merge.
 */
async function completeMerge(deps: MoveDeps, hold: MergeHold): Promise<void> {
  const merges = deps.db.collection<LakeMergeDoc>(LAKE_MERGES);
  const { merge } = hold;
  const counted = (records: number | null) => records ?? 0;
  await new LakeFileCounts(deps.db).save([
    {
      _id: merge.mergedKey,
      recordType: merge.recordType,
      records: counted(merge.records),
      source: 'MERGE',
      mergeId: merge._id,
    },
    ...merge.inputs.map((input) => ({
      _id: input.archivedKey,
      recordType: merge.recordType,
      records: counted(input.records),
      source: 'MERGE' as const,
      mergeId: merge._id,
    })),
  ]);
  const superseded = merge.inputs.map((input) => (input.kind === 'MERGED' ? mergeIdOf(input.key) : null));
  const ids = superseded.filter((id): id is string => id !== null);
  if (ids.length > 0) await merges.updateMany({ _id: { $in: ids } }, { $set: { supersededBy: merge._id } });
  const doneAt = new Date();
  await updateHeld(merges, hold, { state: 'DONE', open: false, doneAt, runId: null, heartbeatAt: null });
  hold.lease.stop();
}
