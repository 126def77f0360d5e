import type { Db, Filter } from '../../../datasources/store';
import { WAVE_MESSAGES, WAVES, type WaveCounts, type WaveDoc, type WaveMessageDoc } from '../model';
import { REACHED_STATUSES, TALLY_KEYS } from './counts';

/**
 * A wave's counts from its messages: the lasting ones summed from each message's tally, `ok` and
 * `uncertain` from their statuses; `total` stays as the upload set it. Run when a worker died:
 * the counts it had gathered and not written are lost with it. Exact when nothing else changes
 * the wave's messages meanwhile; a receipt handled during the read may be counted twice or not.
 */
export async function recountWave(db: Db, waveId: string): Promise<Omit<WaveCounts, 'total'>> {
  const counts: Omit<WaveCounts, 'total'> = {
    ok: 0,
    sms: 0,
    email: 0,
    failed: 0,
    delivered: 0,
    undelivered: 0,
    optedOut: 0,
    expired: 0,
    uncertain: 0,
    skipped: 0,
    segments: 0,
  };
  const reached = new Set(REACHED_STATUSES);
  // The wave's ids (`${waveId}:${row}`) are one range of the _id index: ';' follows ':'.
  const range = { _id: { $gt: `${waveId}:`, $lt: `${waveId};` } } as Filter<WaveMessageDoc>;
  const cursor = db.collection<WaveMessageDoc>(WAVE_MESSAGES).find(range, { projection: { status: 1, tally: 1 } });
  for await (const message of cursor) {
    if (reached.has(message.status)) counts.ok += 1;
    if (message.status === 'UNCERTAIN') counts.uncertain += 1;
    for (const key of TALLY_KEYS) counts[key] += message.tally?.[key] ?? 0;
  }
  const set = Object.fromEntries(Object.entries(counts).map(([key, value]) => [`counts.${key}`, value]));
  await db.collection<WaveDoc>(WAVES).updateOne({ _id: waveId }, { $set: { ...set, updatedAt: new Date() } });
  return counts;
}
