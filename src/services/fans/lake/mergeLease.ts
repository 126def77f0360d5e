import type { Collection, Document, Filter } from '../../../datasources/store';
import { RecordLease, type LeaseTiming } from '../../uploads/importLease';
import type { LakeMergeDoc } from './lakeModel';

/** A run's hold on an open merge: writes to the manifest go through `held`; `release` hands it back. */
export interface MergeHold {
  merge: LakeMergeDoc;
  lease: RecordLease<LakeMergeDoc>;
}

/** Thrown when another live run works on the merge: the job retries later, by when it is done. */
export class LakeMergeBusyError extends Error {
  constructor(merge: Pick<LakeMergeDoc, '_id' | 'recordType' | 'prefix' | 'state'>) {
    super(
      `merge ${merge._id} of ${merge.recordType} ${merge.prefix} (${merge.state}) is being worked on by another run`,
    );
    this.name = 'LakeMergeBusyError';
  }
}

/**
 * Takes an open merge that nobody holds, or whose holder stopped heartbeating (a killed process):
 * null when it is done or held by a live run. The hold is started (heartbeat) when returned.
 */
export async function claimMerge(
  merges: Collection<LakeMergeDoc>,
  mergeId: string,
  timing: LeaseTiming,
): Promise<MergeHold | null> {
  const lease = new RecordLease(merges, mergeId, timing);
  const staleBefore = new Date(Date.now() - timing.staleAfterMs);
  const merge = await merges.findOneAndUpdate(
    { _id: mergeId, open: true, $or: [{ runId: null }, { heartbeatAt: { $lt: staleBefore } }] } as Filter<LakeMergeDoc>,
    { $set: { ...lease.fields(), updatedAt: new Date() } },
    { returnDocument: 'after' },
  );
  return merge ? { merge: merge as LakeMergeDoc, lease: lease.start() } : null;
}

/** Ends the hold so the next step (the move job, or a rerun) can take the merge at once. */
export async function releaseMerge(merges: Collection<LakeMergeDoc>, hold: MergeHold): Promise<void> {
  hold.lease.stop();
  await merges.updateOne(hold.lease.held, { $set: { runId: null, heartbeatAt: null } } as Document);
}

/** Writes `changes` to the held manifest; a lost hold (another run took it over) stops the step. */
export async function updateHeld(
  merges: Collection<LakeMergeDoc>,
  hold: MergeHold,
  changes: Partial<LakeMergeDoc>,
): Promise<LakeMergeDoc> {
  const merge = await merges.findOneAndUpdate(
    hold.lease.held,
    { $set: { ...changes, updatedAt: new Date() } },
    { returnDocument: 'after' },
  );
  if (!merge) throw new Error(`merge ${hold.merge._id} was taken over by another run`);
  hold.merge = merge as LakeMergeDoc;
  return hold.merge;
}
