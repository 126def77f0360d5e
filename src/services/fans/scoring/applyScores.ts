import type { ScoringRecord } from '../records';
import type { FanScores } from './fanScores';

/** Records applied together: one bulk write of the entries and one lake append. */
export const APPLY_BATCH = 5000;

export interface ApplyProgress {
  /** Records handed to the entries and the lake so far. */
  records: number;
  /** Entries written (an entry selected meanwhile is not). */
  applied: number;
}

/**
 * Applies records in batches, the next batch read while the previous one is written. After each
 * batch, `checkpoint` gets the position (as `positionOf` the batch's last record tells it) up to
 * which everything is applied, so a retried job resumes after it rather than appending to the
 * lake twice.
 */
export async function applyInBatches(
  records: AsyncIterable<{ record: ScoringRecord; position: number }>,
  scores: FanScores,
  checkpoint: (position: number, progress: ApplyProgress) => Promise<void>,
): Promise<ApplyProgress> {
  const progress: ApplyProgress = { records: 0, applied: 0 };
  let inFlight: Promise<void> = Promise.resolve();
  let batch: ScoringRecord[] = [];
  let position = 0;
  const send = async () => {
    const sent = batch;
    const through = position;
    batch = [];
    await inFlight;
    inFlight = scores.apply(sent).then(async (applied) => {
      progress.records += sent.length;
      progress.applied += applied;
      await checkpoint(through, progress);
    });
    // a failed batch is rethrown where it is awaited (the next send or the end), not reported as unhandled
    inFlight.catch(() => undefined);
  };
  for await (const item of records) {
    batch.push(item.record);
    position = item.position;
    if (batch.length >= APPLY_BATCH) await send();
  }
  if (batch.length > 0) await send();
  await inFlight;
  return progress;
}
