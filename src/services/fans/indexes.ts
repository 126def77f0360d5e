import type { IndexDeclaration } from '../../datasources/store/indexes';
import { CODES, CODE_POOLS, FAN_CAMPAIGNS, FAN_ENTRIES, ADMIN_STATS, BLACKLIST, DEMAND } from './model';

/** Fan campaigns' indexes: entries by fan, e-mail, market and score, and verdict; codes by pool and state. */
export const fanIndexes: IndexDeclaration[] = [
  { collection: FAN_CAMPAIGNS, key: { status: 1, createdAt: -1 } },
  { collection: FAN_CAMPAIGNS, key: { createdAt: -1, _id: -1 } },
  // One entry per fan per campaign (the _id is campaignId:userId; this states it for readers of the model).
  { collection: FAN_ENTRIES, key: { campaignId: 1, userId: 1 }, options: { unique: true } },
  // The alternative key of a fan: code assignments and scored rows given only an e-mail.
  { collection: FAN_ENTRIES, key: { campaignId: 1, email: 1 } },
  // Per-market counts and limits, and wave prep's selection (best score first, per market).
  { collection: FAN_ENTRIES, key: { campaignId: 1, market: 1, score: -1 } },
  { collection: FAN_ENTRIES, key: { campaignId: 1, verdict: 1 } },
  // A pool's free codes, taken in code order; a campaign's counts by state.
  { collection: CODES, key: { poolId: 1, state: 1, _id: 1 } },
  { collection: CODES, key: { campaignId: 1, state: 1 } },
  { collection: CODE_POOLS, key: { campaignId: 1, createdAt: -1 } },
  { collection: DEMAND, key: { campaignId: 1 } },
  // The latest snapshot and the history of a campaign's stats, for charts.
  { collection: ADMIN_STATS, key: { campaignId: 1, at: -1 } },
  { collection: BLACKLIST, key: { addedAt: -1, _id: -1 } },
];
