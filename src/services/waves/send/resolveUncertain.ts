import type { Db } from '../../../datasources/store';
import type { Jobs } from '../../../jobs/jobType';
import type { Logger } from '../../../logger';
import { WAVE_SEND_JOB } from '../lifecycle/waveJobs';
import { requireWave, wrongState } from '../lifecycle/waveErrors';
import { WAVE_MESSAGES, WAVES, type WaveDoc, type WaveMessageDoc } from '../model';
import type { CountsWriter } from './countsWriter';
import type { MessageTransitions } from './transitions';

export type UncertainDecision = 'SEND_AGAIN' | 'MARK_SENT';

export interface ResolveUncertainDeps {
  db: Db;
  jobs: Pick<Jobs, 'enqueue'>;
  transitions: MessageTransitions;
  counts: CountsWriter;
  logger: Logger;
  now: () => Date;
}

/**
 * resolveUncertainMessages: an operator's decision for a wave's UNCERTAIN messages, those no
 * receipt and no provider lookup could settle (the aws engine has no lookup). SEND_AGAIN puts
 * them back in the queue (a SENT wave sends again; the validity still holds: a message past it
 * expires); MARK_SENT counts them as sent. Each message moves from UNCERTAIN once, so a repeated
 * call changes nothing.
 */
export async function resolveUncertain(
  deps: ResolveUncertainDeps,
  waveId: string,
  decision: UncertainDecision,
  by: string,
): Promise<number> {
  const waves = deps.db.collection<WaveDoc>(WAVES);
  const wave = await requireWave(waves, waveId);
  const now = deps.now();
  let moved = 0;
  if (decision === 'SEND_AGAIN') {
    if (wave.status === 'CANCELLED' || wave.status === 'DRAFT' || wave.status === 'SCHEDULED') {
      throw wrongState(wave, 'sent again', ['SENDING', 'PAUSED', 'SENT', 'FAILED']);
    }
    moved = await deps.transitions.moveMany(
      waveId,
      'UNCERTAIN',
      {},
      {
        status: 'PENDING',
        claimedAt: null,
        claimedBy: null,
        retryAt: null,
        reason: 'SEND_AGAIN',
      },
    );
    if (moved > 0) await sendAgain(deps, wave, now);
  } else {
    const sizes = await deps.db
      .collection<WaveMessageDoc>(WAVE_MESSAGES)
      .aggregate<{ _id: number }>([{ $match: { waveId, status: 'UNCERTAIN' } }, { $group: { _id: '$segments' } }])
      .toArray();
    for (const { _id: segments } of sizes) {
      moved += await deps.transitions.moveMany(
        waveId,
        'UNCERTAIN',
        { segments },
        { status: 'SENT', sentAt: now, reason: 'MARKED_SENT' },
        segments,
      );
    }
  }
  await deps.counts.flush();
  deps.logger.info({ waveId, decision, messages: moved, by }, 'uncertain wave texts resolved');
  return moved;
}

/** A wave that ended SENT (or FAILED) sends again; a SENDING one gets a run for them; a PAUSED one waits its resume. */
async function sendAgain(deps: ResolveUncertainDeps, wave: WaveDoc, now: Date): Promise<void> {
  if (wave.status === 'SENT' || wave.status === 'FAILED') {
    await deps.db.collection<WaveDoc>(WAVES).updateOne(
      { _id: wave._id, status: wave.status },
      {
        $set: {
          status: 'SENDING',
          finishedAt: null,
          statusReason: 'sending again the texts an operator released',
          updatedAt: now,
        },
      },
    );
  }
  if (wave.status === 'PAUSED') return;
  await deps.jobs.enqueue(
    WAVE_SEND_JOB,
    { waveId: wave._id },
    { idempotencyKey: `${WAVE_SEND_JOB}:${wave._id}:released:${now.getTime()}` },
  );
}
