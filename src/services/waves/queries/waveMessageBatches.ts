import type { Collection, Filter } from '../../../datasources/store';
import type { WaveMessageDoc } from '../model';

/**
 * A wave's messages in batches, in `_id` order: their ids (`${waveId}:${row}`) make one range of
 * the `_id` index, so each batch is one range read whatever the other waves hold.
 */
export async function* waveMessageBatches(
  messages: Collection<WaveMessageDoc>,
  waveId: string,
  filter: Filter<WaveMessageDoc>,
  batchSize: number,
): AsyncGenerator<WaveMessageDoc[]> {
  // ';' follows ':' in code order: every id of the wave sorts below it
  let after = `${waveId}:`;
  for (;;) {
    const batch = await messages
      .find({ ...filter, _id: { $gt: after, $lt: `${waveId};` } } as Filter<WaveMessageDoc>, {
        sort: { _id: 1 },
        limit: batchSize,
      })
      .toArray();
    if (batch.length === 0) return;
    yield batch;
    after = batch.at(-1)!._id;
  }
}
