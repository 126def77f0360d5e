import { NOTIFICATIONS_COLLECTION } from '../../datasources/notifier/port';
import type { IndexDeclaration } from '../../datasources/store/indexes';
import { codeIndexes } from './codes/codeIndexes';
import { lakeIndexes } from './lake/lakeModel';
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
  // Snapshots are a bounded time series: 90 days (docs/pipelines/fans/stats.md).
  { collection: ADMIN_STATS, key: { at: 1 }, options: { expireAfterSeconds: 90 * 86_400 } },
  // Registrations per UTC day for the stats: one range count per day instead of a scan.
  { collection: FAN_ENTRIES, key: { campaignId: 1, registeredAt: 1 } },
  // The notifier's record (either engine), newest first.
  { collection: NOTIFICATIONS_COLLECTION, key: { at: -1, _id: -1 } },
  { collection: BLACKLIST, key: { addedAt: -1, _id: -1 } },
  // Lake merge manifests: one open merge per record type (src/services/fans/lake/lakeModel.ts).
  ...lakeIndexes,
  // Codes by the fan they are assigned to and the wave they are reserved for (codes/codeIndexes.ts).
  ...codeIndexes,
];
