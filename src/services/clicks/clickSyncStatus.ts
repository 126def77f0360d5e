import type { QueuePort } from '../../datasources/queue';
import type { SfmcPort } from '../../datasources/sfmc';
import type { Db } from '../../datasources/store';
import { clickCollections, QUEUE_PROCESSED, QUEUE_TO_PROCESS } from './clickModels';

export interface ClickSyncStatusView {
  bu: string;
  source: 'config' | 'local';
  watermark: Date | null;
  running: boolean;
  runStartedAt: Date | null;
  runRows: number;
  lastRunAt: Date | null;
  lastRunRows: number | null;
  /** Unprocessed rows at the source; null when the source does not say. */
  backlog: number | null;
}

/** The loader's position and the source backlog of every business unit. */
export async function clickSyncStatus(db: Db, sfmc: SfmcPort): Promise<ClickSyncStatusView[]> {
  const units = await sfmc.businessUnits();
  const states = await clickCollections(db).syncState.find({ _id: { $in: units.map((u) => u.name) } }).toArray();
  const byUnit = new Map(states.map((s) => [s._id, s]));
  return Promise.all(
    units.map(async (unit) => {
      const state = byUnit.get(unit.name);
      return {
        bu: unit.name,
        source: unit.source,
        watermark: state?.watermark ?? null,
        running: Boolean(state?.run),
        runStartedAt: state?.run?.startedAt ?? null,
        runRows: state?.run?.rows ?? 0,
        lastRunAt: state?.lastRunAt ?? null,
        lastRunRows: state?.lastRunRows ?? null,
        backlog: await sfmc.backlog(unit),
      };
    }),
  );
}

export interface ClickQueueDepths {
  toProcess: number;
  processed: number;
  deadLettered: number;
}

/** Messages waiting in the two click queues (visible, in flight, delayed). */
export async function clickQueueDepths(queue: QueuePort): Promise<ClickQueueDepths> {
  const [toProcess, processed] = await Promise.all([queue.stats(QUEUE_TO_PROCESS), queue.stats(QUEUE_PROCESSED)]);
  return {
    toProcess: toProcess.visible + toProcess.inFlight + toProcess.delayed,
    processed: processed.visible + processed.inFlight + processed.delayed,
    deadLettered: toProcess.deadLettered + processed.deadLettered,
  };
}
