import type { Db, Filter } from '../../datasources/store';
import { WAVE_MESSAGES, WAVES, type WaveDoc, type WaveMessageDoc, type WaveStatus } from '../waves/model';
import { deleteInBatches } from './deleteInBatches';
import type { RetentionSweeper } from './sweeper';

/** Waves that will send nothing more: their messages may go once the wave ended long enough ago. */
const ENDED: WaveStatus[] = ['SENT', 'CANCELLED', 'FAILED'];

/** A wave's messages (`${waveId}:${row}`): one range of the _id index, as ';' follows ':'. */
const messagesOf = (waveId: string) => ({ _id: { $gt: `${waveId}:`, $lt: `${waveId};` } }) as Filter<WaveMessageDoc>;

/**
 * Wave messages (one per recipient: phone, e-mail, code, text) go with their whole wave, once it
 * ended (sent, cancelled or failed) before the cutoff. The wave itself stays, with its counts:
 * they are kept in the wave as it sends, never recounted from the messages of an ended wave.
 */
export function waveMessagesSweeper(db: Db): RetentionSweeper {
  const waves = db.collection<WaveDoc>(WAVES);
  const messages = db.collection<WaveMessageDoc>(WAVE_MESSAGES);
  return {
    kind: 'WAVE_MESSAGES',
    /** When the oldest wave that still has messages was made (its messages were made with it). */
    async oldest() {
      const byAge = waves.find({}, { sort: { createdAt: 1, _id: 1 }, projection: { _id: 1, createdAt: 1 } });
      for await (const wave of byAge) {
        if (await messages.findOne(messagesOf(wave._id), { projection: { _id: 1 } })) return wave.createdAt;
      }
      return null;
    },
    async sweep(cutoff, policy) {
      if (!cutoff) return { deleted: 0 };
      const ended = await waves
        .find({ status: { $in: ENDED }, finishedAt: { $lt: cutoff } } as Filter<WaveDoc>, { projection: { _id: 1 } })
        .toArray();
      let deleted = 0;
      for (const wave of ended) deleted += await deleteInBatches(messages, messagesOf(wave._id), policy);
      return { deleted };
    },
  };
}
