import type { Db, Document } from '../../datasources/store';
import type { Logger } from '../../logger';
import { pendingFigure, storedFigure, type EntryFigure, type PerformanceRollups } from './performanceRollups';
import { entryKeyString, mergeCounts, type OrderMatch, type PendingEntry } from './performanceEntry';
import type { TrackingRow } from './trackingRow';
import { storedEntries, writeEntries, type FailedEntry } from './writeEntries';

/** What a flush did, in rows (not entries): several rows can land on one entry. */
export interface FlushResult {
  synced: number;
  errors: number;
}

interface EntryInProgress extends PendingEntry {
  /** Its upsert key as entryKeyString gives it. */
  key: string;
  publicationCode: string;
  creativeIds: Set<string>;
  sizes: Set<string>;
}

const rowsOf = (entries: readonly EntryInProgress[]) => entries.reduce((sum, entry) => sum + entry.rows, 0);

/** Batch writes under way at once: the next one is prepared while the last one commits. */
const WRITES_IN_FLIGHT = 2;

/**
 * Writes `items` in batches, each issued in its own event-loop turn (its own commit), at most
 * WRITES_IN_FLIGHT at a time. A failure is thrown once every batch issued has settled.
 */
async function inTurns<T>(items: readonly T[], size: number, write: (batch: T[]) => Promise<void>): Promise<void> {
  const running: Promise<void>[] = [];
  try {
    for (let i = 0; i < items.length; i += size) {
      const written = write(items.slice(i, i + size));
      written.catch(() => undefined); // awaited below, in order
      running.push(written);
      if (running.length >= WRITES_IN_FLIGHT) await running.shift();
      else await new Promise((resolve) => setImmediate(resolve));
    }
    await Promise.all(running);
  } catch (error) {
    await Promise.allSettled(running);
    throw error;
  }
}

/** An entry's figure as stored before this write (none: a new entry) and as it writes it. */
function entryChange(
  entry: EntryInProgress,
  stored: ReadonlyMap<string, Document>,
): { before?: EntryFigure; after: EntryFigure } {
  const held = stored.get(entry.key);
  return { before: held ? storedFigure(held) : undefined, after: pendingFigure(entry) };
}

/**
 * Gathers matched rows into performance entries and writes them in unordered bulk calls.
 * Rows arrive ordered by day (the query's ORDER BY), so once a later day shows up every entry
 * of the earlier days is complete and can be written: memory holds about one day of entries.
 * A flush writes in the background while the next rows are matched; the next flush waits for
 * it, so one flush at a time reaches the store and its failure surfaces at the next call.
 */
export class EntryWriter {
  private readonly pending = new Map<string, EntryInProgress>();
  private writing: Promise<FlushResult> = Promise.resolve({ synced: 0, errors: 0 });

  constructor(
    private readonly db: Db,
    private readonly options: {
      dryRun: boolean;
      batchSize: number;
      logger: Logger;
      now: () => Date;
      /** The figures kept beside the entries, recomputed for the days each flush wrote. */
      rollups?: PerformanceRollups;
    },
  ) {}

  add(row: TrackingRow, match: OrderMatch): void {
    const key = entryKeyString(match, row.reportDate);
    const entry = this.pending.get(key);
    if (!entry) {
      this.pending.set(key, {
        key,
        match,
        reportDate: row.reportDate,
        dimensions: row.adSize,
        counts: {
          impressions: row.impressions,
          clicks: row.clicks,
          viewableImpressions: row.viewableImpressions,
          uniqueIps: row.uniqueIps,
        },
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

  /**
   * Starts writing the entries of days before `day` (YYYY-MM-DD sorts as text) and answers
   * what the previous flush wrote, once it is stored.
   */
  async flushBefore(day: string): Promise<FlushResult> {
    const previous = await this.writing;
    const ready = this.take((entry) => entry.reportDate < day);
    if (ready.length > 0) {
      this.writing = this.write(ready);
      this.writing.catch(() => undefined);
    } else {
      this.writing = Promise.resolve({ synced: 0, errors: 0 });
    }
    return previous;
  }

  /** Writes everything still held; answers what that and the previous flush wrote. */
  async flushAll(): Promise<FlushResult> {
    const previous = await this.writing;
    this.writing = Promise.resolve({ synced: 0, errors: 0 });
    const last = await this.write(this.take(() => true));
    return { synced: previous.synced + last.synced, errors: previous.errors + last.errors };
  }

  /** Waits for the write in flight, whatever its outcome (the caller is failing already). */
  async settle(): Promise<void> {
    await this.writing.catch(() => undefined);
  }

  /** Removes the ready entries from memory before any write starts, so rows never race them. */
  private take(ready: (entry: EntryInProgress) => boolean): EntryInProgress[] {
    const entries: EntryInProgress[] = [];
    for (const [key, entry] of this.pending) {
      if (!ready(entry)) continue;
      entries.push(entry);
      this.pending.delete(key);
    }
    return entries;
  }

  /**
   * One look-up of the stored entries for the whole flush, then writes of `batchSize` entries,
   * each with what it changes in the kept figures (one commit on the embedded store). The days
   * of entries whose write failed or raced another run's get their figures recomputed from
   * their entries.
   */
  private async write(entries: EntryInProgress[]): Promise<FlushResult> {
    const rows = rowsOf(entries);
    if (this.options.dryRun || entries.length === 0) return { synced: rows, errors: 0 };
    const days = [...new Set(entries.map((entry) => entry.reportDate))];
    const { rollups } = this.options;
    const flush = async (): Promise<FlushResult> => {
      const stored = await storedEntries(this.db, days);
      const storedKeys = new Set(stored.keys());
      const unsure = new Set<string>();
      let failedRows = 0;
      const writeBatch = async (batch: EntryInProgress[]) => {
        const failed = await writeEntries(this.db, batch, storedKeys, this.options.now(), {
          alongside: () => rollups?.change(batch.map((entry) => entryChange(entry, stored))) ?? [],
          onRaced: (raced) => raced.forEach((entry) => unsure.add(entry.reportDate)),
        });
        failedRows += rowsOf(failed.map((f) => f.entry));
        for (const failure of failed) {
          unsure.add(failure.entry.reportDate);
          this.logFailure(failure);
        }
      };
      await inTurns(entries, this.options.batchSize, writeBatch);
      if (unsure.size > 0) await rollups?.recompute(unsure);
      return { synced: rows - failedRows, errors: failedRows };
    };
    return rollups ? rollups.exclusive(days, flush) : flush();
  }

  /** A failed entry costs its rows; the rest of the batch goes on. */
  private logFailure({ entry, error }: FailedEntry<EntryInProgress>): void {
    this.options.logger.error(
      {
        orderId: entry.match.orderId,
        itemPath: entry.match.itemPath,
        reportDate: entry.reportDate,
        creativeId: [...entry.creativeIds].join(','),
        publicationCode: entry.publicationCode,
        code: error.code,
        reason: error.errmsg,
      },
      'Performance entry write failed',
    );
  }
}
