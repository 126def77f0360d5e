import type { Db } from 'mongodb';
import type { Logger } from '../../logger';
import { entryKeyString, mergeCounts, PERFORMANCE_ENTRIES, performanceEntryUpsert, type OrderMatch, type PendingEntry } from './performanceEntry';
import type { TrackingRow } from './trackingRow';

/** What a flush did, in rows (not entries): several rows can land on one entry. */
export interface FlushResult {
  synced: number;
  errors: number;
}

interface WriteError {
  index: number;
  errmsg?: string;
  code?: number;
}

interface EntryInProgress extends PendingEntry {
  publicationCode: string;
  creativeIds: Set<string>;
  sizes: Set<string>;
}

/** The per-operation failures of an unordered bulkWrite, or null when the whole call failed. */
function writeErrorsOf(error: unknown): WriteError[] | null {
  const writeErrors = (error as { writeErrors?: WriteError | WriteError[] } | null)?.writeErrors;
  if (!writeErrors) return null;
  const list = Array.isArray(writeErrors) ? writeErrors : [writeErrors];
  return list.length > 0 && list.every((e) => typeof e.index === 'number') ? list : null;
}

/**
 * Gathers matched rows into performance entries and writes them with unordered bulkWrites.
 * Rows arrive ordered by day (the query's ORDER BY), so once a later day shows up every entry
 * of the earlier days is complete and can be written: memory holds at most one day of entries.
 */
export class EntryWriter {
  private readonly pending = new Map<string, EntryInProgress>();

  constructor(
    private readonly db: Db,
    private readonly options: { dryRun: boolean; batchSize: number; logger: Logger; now: () => Date },
  ) {}

  add(row: TrackingRow, match: OrderMatch): void {
    const key = entryKeyString(match, row.reportDate);
    const entry = this.pending.get(key);
    if (!entry) {
      this.pending.set(key, {
        match,
        reportDate: row.reportDate,
        dimensions: row.adSize,
        counts: { impressions: row.impressions, clicks: row.clicks, viewableImpressions: row.viewableImpressions, uniqueIps: row.uniqueIps },
        rows: 1,
        publicationCode: row.publicationCode,
        creativeIds: new Set([row.creativeId]),
        sizes: new Set(row.adSize ? [row.adSize] : []),
      });
      return;
    }
    mergeCounts(entry.counts, row);
    entry.rows += 1;
    entry.creativeIds.add(row.creativeId);
    if (row.adSize) entry.sizes.add(row.adSize);
    // Several ad sizes on one placement: list them all rather than keep whichever came first.
    entry.dimensions = entry.sizes.size > 0 ? [...entry.sizes].sort().join(',') : null;
  }

  /** Writes the entries of days before `day` (YYYY-MM-DD sorts as text). */
  flushBefore(day: string): Promise<FlushResult> {
    return this.flush((entry) => entry.reportDate < day);
  }

  flushAll(): Promise<FlushResult> {
    return this.flush(() => true);
  }

  private async flush(ready: (entry: EntryInProgress) => boolean): Promise<FlushResult> {
    const entries: EntryInProgress[] = [];
    for (const [key, entry] of this.pending) {
      if (!ready(entry)) continue;
      entries.push(entry);
      this.pending.delete(key);
    }
    const result: FlushResult = { synced: 0, errors: 0 };
    for (let i = 0; i < entries.length; i += this.options.batchSize) {
      const chunk = entries.slice(i, i + this.options.batchSize);
      const written = await this.write(chunk);
      result.synced += written.synced;
      result.errors += written.errors;
    }
    return result;
  }

  /** One unordered bulkWrite; a failed operation costs its rows, anything else fails the sync. */
  private async write(entries: EntryInProgress[]): Promise<FlushResult> {
    const rows = entries.reduce((sum, entry) => sum + entry.rows, 0);
    if (this.options.dryRun || entries.length === 0) return { synced: rows, errors: 0 };
    const now = this.options.now();
    try {
      await this.db.collection(PERFORMANCE_ENTRIES).bulkWrite(
        entries.map((entry) => performanceEntryUpsert(entry, now)),
        { ordered: false },
      );
      return { synced: rows, errors: 0 };
    } catch (error) {
      const failed = writeErrorsOf(error);
      if (!failed) throw error;
      let failedRows = 0;
      for (const writeError of failed) {
        const entry = entries[writeError.index];
        if (!entry) continue;
        failedRows += entry.rows;
        this.options.logger.error(
          {
            orderId: entry.match.orderId,
            itemPath: entry.match.itemPath,
            reportDate: entry.reportDate,
            creativeId: [...entry.creativeIds].join(','),
            publicationCode: entry.publicationCode,
            code: writeError.code,
            reason: writeError.errmsg,
          },
          'Performance entry write failed',
        );
      }
      return { synced: rows - failedRows, errors: failedRows };
    }
  }
}
