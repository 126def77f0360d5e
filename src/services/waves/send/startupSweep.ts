import type { Db, Filter } from '../../../datasources/store';
import type { Logger } from '../../../logger';
import { WAVE_MESSAGES, WAVES, type WaveDoc, type WaveMessageDoc, type WaveMessageStatus } from '../model';
import type { CountsWriter } from './countsWriter';
import type { Reconciler } from './reconcile';
import { recountWave } from './recountWave';
import type { MessageTransitions } from './transitions';

export interface StartupSweepDeps {
  db: Db;
  reconciler: Reconciler;
  transitions: MessageTransitions;
  counts: CountsWriter;
  logger: Logger;
}

/**
 * At start-up, what a crash may have left in waves no run is sending: claims of gone workers
 * (UNCERTAIN, then settled), with the wave recounted; PENDING messages of a cancelled wave
 * (SKIPPED). Sending waves get the same from their own runs.
 */
export async function startupSweep(deps: StartupSweepDeps): Promise<void> {
  const messages = deps.db.collection<WaveMessageDoc>(WAVE_MESSAGES);
  const waves = await deps.db
    .collection<WaveDoc>(WAVES)
    .find({ status: { $in: ['SENDING', 'PAUSED', 'SENT', 'FAILED', 'CANCELLED'] } } as Filter<WaveDoc>, {
      projection: { _id: 1, status: 1 },
    })
    .toArray();
  for (const wave of waves) {
    const left = (status: WaveMessageStatus) =>
      messages.findOne({ waveId: wave._id, status }, { projection: { _id: 1 } });
    if (wave.status === 'CANCELLED' && (await left('PENDING'))) {
      await deps.transitions.moveMany(wave._id, 'PENDING', {}, { status: 'SKIPPED', reason: 'CANCELLED' });
    }
    if (await left('SENDING')) {
      const orphaned = await deps.reconciler.orphans(wave._id, null);
      if (orphaned > 0) {
        await deps.counts.flush();
        await recountWave(deps.db, wave._id);
      }
    }
    if (await left('UNCERTAIN')) await deps.reconciler.settle(wave._id);
  }
  await deps.counts.flush();
  deps.logger.debug({ waves: waves.length }, 'sending start-up sweep done');
}
