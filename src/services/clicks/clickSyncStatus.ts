import type { QueuePort } from '../../datasources/queue';
import type { RememberedFigures } from '../../datasources/rememberedFigures';
import type { SfmcPort } from '../../datasources/sfmc';
import type { BusinessUnit } from '../../datasources/sfmc/businessUnits';
import { eventDateOf } from '../../datasources/sfmc/clickLogRow';
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
  /** EventDate of the oldest unprocessed row with a readable date; null when none is waiting. */
  oldestUnprocessedAt: Date | null;
  /** Its age in whole seconds: how far behind the loads are, late rows included. */
  oldestUnprocessedAgeSeconds: number | null;
}

/**
 * The loader's position and the source backlog of every business unit; with `figures`, the
 * loaders' states are read once per change to them.
 */
export async function clickSyncStatus(
  db: Db,
  sfmc: SfmcPort,
  figures?: RememberedFigures,
): Promise<ClickSyncStatusView[]> {
  const units = await sfmc.businessUnits();
  const { syncState } = clickCollections(db);
  const names = units.map((u) => u.name);
  const read = () => syncState.find({ _id: { $in: names } }).toArray();
  const states = figures
    ? await figures.get(`syncStates|${JSON.stringify(names)}`, [syncState.collectionName], read)
    : await read();
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
        ...(await oldestUnprocessed(sfmc, unit)),
      };
    }),
  );
}

/** The first row of a read from the oldest: rows come oldest EventDate first. */
async function oldestUnprocessed(
  sfmc: SfmcPort,
  unit: BusinessUnit,
): Promise<Pick<ClickSyncStatusView, 'oldestUnprocessedAt' | 'oldestUnprocessedAgeSeconds'>> {
  const [oldest] = (await sfmc.readClickLog(unit, { from: null, cursor: null, pageSize: 1 })).rows;
  const at = oldest ? eventDateOf(oldest.values) : null;
  const age = at ? Math.max(0, Math.floor((Date.now() - at.getTime()) / 1000)) : null;
  return { oldestUnprocessedAt: at, oldestUnprocessedAgeSeconds: age };
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
