import type { Db } from '../../../datasources/store';
import { notFound } from '../../../errors';
import { Channel } from '../../leads/channel';
import { WAVES, type WaveDoc } from '../model';

/** A subscriber gets the wave at most this often, however fast its counts move. */
const FEED_INTERVAL_MS = 1000;

/**
 * waveUpdated(id): the wave now, then after its changes (made by any instance: the store's change
 * stream), at most once a second, each time as it is when sent.
 */
export async function waveFeed(db: Db, waveId: string): Promise<Channel<WaveDoc>> {
  const waves = db.collection<WaveDoc>(WAVES);
  const first = await waves.findOne({ _id: waveId });
  if (!first) throw notFound('Wave', waveId);
  let lastSentAt = 0;
  let timer: NodeJS.Timeout | null = null;
  const publish = () => {
    timer = null;
    lastSentAt = Date.now();
    waves.findOne({ _id: waveId }).then(
      (wave) => {
        if (wave) channel.push(wave);
      },
      () => undefined,
    );
  };
  const changes = waves.watch([{ $match: { 'documentKey._id': waveId } }]);
  changes.on('change', () => {
    if (!timer) timer = setTimeout(publish, Math.max(0, lastSentAt + FEED_INTERVAL_MS - Date.now()));
  });
  changes.on('error', () => undefined);
  const channel = new Channel<WaveDoc>(async () => {
    if (timer) clearTimeout(timer);
    await changes.close().catch(() => undefined);
  });
  lastSentAt = Date.now();
  channel.push(first);
  return channel;
}
