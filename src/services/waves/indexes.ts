import type { IndexDeclaration } from '../../datasources/store/indexes';
import { WAVE_PREPS, WAVES } from './model';

/** Waves' indexes for lists, the scheduler's sweep and preps (the sender's are in send/sendIndexes.ts). */
export const waveIndexes: IndexDeclaration[] = [
  // waves(filter): newest first, of one campaign or status
  { collection: WAVES, key: { createdAt: -1, _id: -1 } },
  { collection: WAVES, key: { 'config.campaignId': 1, createdAt: -1 } },
  // the WAVE_SCHEDULER sweep: SCHEDULED waves due, SENDING waves whose trigger was lost
  { collection: WAVES, key: { status: 1, 'config.notifyDate': 1 } },
  // one prep per campaign and dateKey: of two prepareWave calls at once, one is refused
  { collection: WAVE_PREPS, key: { campaignId: 1, dateKey: 1 }, options: { unique: true } },
  { collection: WAVE_PREPS, key: { campaignId: 1, createdAt: -1 } },
];
