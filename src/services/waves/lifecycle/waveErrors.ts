import type { Collection } from '../../../datasources/store';
import { AppError, notFound } from '../../../errors';
import type { WaveDoc, WaveStatus } from '../model';

/** The wave, or NOT_FOUND. */
export async function requireWave(waves: Collection<WaveDoc>, id: string): Promise<WaveDoc> {
  const wave = await waves.findOne({ _id: id });
  if (!wave) throw notFound('Wave', id);
  return wave;
}

/** CONFLICT for an action the wave's status does not allow (reason WAVE_STATE, with the status). */
export const wrongState = (wave: Pick<WaveDoc, '_id' | 'status'>, action: string, allowed: readonly WaveStatus[]) =>
  new AppError(
    'CONFLICT',
    `Wave ${wave._id} is ${wave.status}: it can be ${action} only when ${allowed.join(' or ')}`,
    { reason: 'WAVE_STATE', status: wave.status },
  );
