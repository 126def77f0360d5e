import type { AnyBulkWriteOperation, Document } from '../../datasources/store';
import { endOfDay, startOfDay } from './dateRange';
import { computeMetrics, type TrackingCounts } from './metrics';

export const PERFORMANCE_ENTRIES = 'performance_entries';
export const ENTERED_BY = 'tracking-sync';

/** Where a tracking row lands: the order and placement it was matched to. */
export interface OrderMatch {
  orderId: string;
  campaignId: string;
  publicationId: number;
  publicationName: string | null;
  itemPath: string;
  itemName: string;
  channel: string;
}

/** The counts of every row that lands on one entry (one order, placement and day). */
export interface PendingEntry {
  match: OrderMatch;
  reportDate: string;
  dimensions: string | null;
  counts: TrackingCounts;
  /** Rows merged into this entry, for the synced count. */
  rows: number;
}

/** The upsert key, exactly as the seed's: {orderId, itemPath, dateStart, source: 'automated'}. */
export function entryKey(match: OrderMatch, reportDate: string) {
  return {
    orderId: match.orderId,
    itemPath: match.itemPath,
    dateStart: startOfDay(reportDate),
    source: 'automated' as const,
  };
}

/** A string form of the upsert key, for merging rows in memory. */
export function entryKeyString(match: Pick<OrderMatch, 'orderId' | 'itemPath'>, reportDate: string): string {
  return `${match.orderId}\u0000${match.itemPath}\u0000${reportDate}`;
}

/**
 * Adds a row's counts to an entry. Several creatives or ad sizes can land on one placement
 * (the seed's itemPath is per channel); the seed overwrote the entry with whichever row came
 * last, here their counts add up. Reach becomes the sum of the rows' unique IPs: an upper
 * bound, since the daily aggregates do not say which IPs the creatives share.
 */
export function mergeCounts(into: TrackingCounts, row: TrackingCounts): void {
  into.impressions += row.impressions;
  into.clicks += row.clicks;
  into.viewableImpressions += row.viewableImpressions;
  into.uniqueIps += row.uniqueIps;
}

/** The fields every write of an entry sets (the key fields and the insert-only times aside). */
function entryFields(entry: PendingEntry, now: Date) {
  const { match } = entry;
  return {
    campaignId: match.campaignId,
    publicationId: match.publicationId,
    publicationName: match.publicationName,
    itemName: match.itemName,
    channel: match.channel,
    dimensions: entry.dimensions,
    dateEnd: endOfDay(entry.reportDate),
    metrics: computeMetrics(entry.counts),
    enteredBy: ENTERED_BY,
    updatedAt: now,
  };
}

/**
 * The idempotent write of one entry: the same range synced twice changes only updatedAt.
 * createdAt and enteredAt are set on insert only; the key fields come from the filter.
 */
export function performanceEntryUpsert(entry: PendingEntry, now: Date): AnyBulkWriteOperation<Document> {
  return {
    updateOne: {
      filter: entryKey(entry.match, entry.reportDate),
      update: { $set: entryFields(entry, now), $setOnInsert: { enteredAt: now, createdAt: now } },
      upsert: true,
    },
  };
}

/** The document the upsert would create, for an entry known not to be stored yet. */
export function newPerformanceEntry(entry: PendingEntry, now: Date): Document {
  // assigned rather than spread: spreading into a fresh literal was a visible cost per entry
  return Object.assign(entryKey(entry.match, entry.reportDate), entryFields(entry, now), {
    enteredAt: now,
    createdAt: now,
  });
}
