import type { IndexDeclaration, RetiredIndex } from '../../datasources/store/indexes';
import { PERFORMANCE_ROLLUPS } from './performanceRollups';

/** Tracking sync's indexes: performance entries and the reference data of the order lookup. */
export const trackingIndexes: IndexDeclaration[] = [
  // The upsert key of an automated entry, the seed's fields: a re-run or a concurrent run can
  // never make a second entry. Only automated entries: other applications enter manual ones in
  // the same collection under their own rules. The day first, as the sync writes them: a day's
  // new entries land side by side in the index, and a flush's look-up of a day's stored entries
  // is one range of it.
  {
    collection: 'performance_entries',
    key: { dateStart: 1, orderId: 1, itemPath: 1, source: 1 },
    options: { unique: true, partialFilterExpression: { source: 'automated' }, name: 'automated_entry_day_key_unique' },
  },
  // performanceEntries(filter) newest day first, alone or by campaign / publication.
  { collection: 'performance_entries', key: { dateStart: -1, _id: -1 } },
  { collection: 'performance_entries', key: { campaignId: 1, dateStart: -1 } },
  { collection: 'performance_entries', key: { publicationId: 1, dateStart: -1 } },
  // Order lookup strategy 1: the tracking script of (creativeId, publicationId), per batch.
  { collection: 'tracking_scripts', key: { creativeId: 1, publicationId: 1 } },
  // Both strategies: the orders of a batch's campaigns on its publications.
  { collection: 'publication_insertion_orders', key: { campaignId: 1, publicationId: 1 } },
  // Pixel pub= codes kept on the publications themselves, and the entry's publication field.
  { collection: 'publications', key: { publicationCode: 1 } },
  { collection: 'publications', key: { publicationId: 1 } },
  // The entry's campaign field (ad campaigns by their campaignId).
  { collection: 'ad_campaigns', key: { campaignId: 1 }, options: { unique: true } },
  // Kept figures (performanceRollups.ts) by start: a campaign's, or a start's document (overall,
  // per publication and per channel); their _id starts with the start, so a day's are one _id range.
  { collection: PERFORMANCE_ROLLUPS, key: { dim: 1, value: 1, at: 1 } },
  { collection: PERFORMANCE_ROLLUPS, key: { dim: 1, at: 1 } },
];

/**
 * Indexes earlier versions created: the upsert key with the order first, and the kept figures'
 * (with month figures, and the entries' lists by _id).
 */
export const retiredTrackingIndexes: RetiredIndex[] = [
  { collection: 'performance_entries', key: { orderId: 1, itemPath: 1, dateStart: 1, source: 1 } },
  { collection: 'performance_entries', key: { campaignId: 1, dateStart: -1, _id: -1 } },
  { collection: 'performance_entries', key: { publicationId: 1, dateStart: -1, _id: -1 } },
  { collection: PERFORMANCE_ROLLUPS, key: { level: 1, dim: 1, value: 1, at: 1 } },
  { collection: PERFORMANCE_ROLLUPS, key: { level: 1, dim: 1, at: 1 } },
  { collection: PERFORMANCE_ROLLUPS, key: { level: 1, at: 1 } },
];
