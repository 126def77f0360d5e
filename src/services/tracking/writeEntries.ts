import type { AnyBulkWriteOperation, Db, Document } from '../../datasources/store';
import { startOfDay } from './dateRange';
import { writtenTogether } from '../writtenTogether';
import {
  entryKeyString,
  newPerformanceEntry,
  PERFORMANCE_ENTRIES,
  performanceEntryUpsert,
  type PendingEntry,
} from './performanceEntry';

/** One operation's failure in an unordered bulk call. */
export interface WriteError {
  index: number;
  errmsg?: string;
  code?: number;
}

/** An entry whose write failed, with the store's reason. */
export interface FailedEntry<T extends PendingEntry> {
  entry: T;
  error: WriteError;
}

const DUPLICATE_KEY = 11000;

/** The per-operation failures of an unordered bulk call, or null when the whole call failed. */
function writeErrorsOf(error: unknown): WriteError[] | null {
  const writeErrors = (error as { writeErrors?: WriteError | WriteError[] } | null)?.writeErrors;
  if (!writeErrors) return null;
  const list = Array.isArray(writeErrors) ? writeErrors : [writeErrors];
  return list.length > 0 && list.every((e) => typeof e.index === 'number') ? list : null;
}

/** Runs an unordered bulk call; answers its per-operation failures, throws anything else. */
async function operationFailures(call: () => Promise<unknown>): Promise<WriteError[]> {
  try {
    await call();
    return [];
  } catch (error) {
    const failures = writeErrorsOf(error);
    if (!failures) throw error;
    return failures;
  }
}

/**
 * The automated entries already stored on these days, by upsert key (entryKeyString): one
 * query per day for a whole flush (usually one day), so entries known to be new can be inserted
 * rather than upserted, and the kept figures change by what each write changes. Whole documents
 * and an equality per day: on the embedded engine a projection or a `$in` over the dates costs
 * several times the read itself.
 */
export async function storedEntries(db: Db, days: readonly string[]): Promise<Map<string, Document>> {
  const entries = new Map<string, Document>();
  for (const day of days) {
    const stored = await db
      .collection(PERFORMANCE_ENTRIES)
      .find({ dateStart: startOfDay(day), source: 'automated' })
      .toArray();
    for (const doc of stored)
      entries.set(entryKeyString({ orderId: String(doc.orderId), itemPath: String(doc.itemPath) }, day), doc);
  }
  return entries;
}

/** The upsert keys (entryKeyString) of the automated entries already stored on these days. */
export async function storedEntryKeys(db: Db, days: readonly string[]): Promise<Set<string>> {
  return new Set((await storedEntries(db, days)).keys());
}

/** An insert when the entry is known new (cheaper than an upsert's look-up), else the upsert. */
function entryWrite(entry: PendingEntry, isNew: boolean, now: Date): AnyBulkWriteOperation<Document> {
  return isNew ? { insertOne: { document: newPerformanceEntry(entry, now) } } : performanceEntryUpsert(entry, now);
}

/**
 * Writes entries with the seed's semantics at less cost, in one unordered bulkWrite: entries
 * not among `stored` are inserted, the others upserted on the key. An insert that meets a
 * duplicate key (another run stored the entry since the look-up) is retried as an upsert, so
 * createdAt stays the first write's and updatedAt is always this write's. Answers the entries
 * whose write failed.
 */
export async function writeEntries<T extends PendingEntry>(
  db: Db,
  entries: readonly T[],
  stored: ReadonlySet<string>,
  now: Date,
  options: {
    /** Writes issued in the same turn as the bulkWrite (one commit on the embedded store). */
    alongside?: () => Promise<unknown>[];
    /** Told of the entries another run stored since the look-up, written again as upserts. */
    onRaced?: (entries: T[]) => void;
  } = {},
): Promise<FailedEntry<T>[]> {
  const collection = db.collection(PERFORMANCE_ENTRIES);
  const isNew = entries.map((entry) => !stored.has(entryKeyString(entry.match, entry.reportDate)));
  const failures = await operationFailures(async () => {
    const written = collection.bulkWrite(
      entries.map((entry, i) => entryWrite(entry, isNew[i], now)),
      { ordered: false },
    );
    await writtenTogether([written, ...(options.alongside?.() ?? [])]);
  });
  const failed: FailedEntry<T>[] = [];
  const raced: T[] = [];
  for (const error of failures) {
    const entry = entries[error.index];
    if (!entry) continue;
    if (isNew[error.index] && error.code === DUPLICATE_KEY) raced.push(entry);
    else failed.push({ entry, error });
  }
  if (raced.length === 0) return failed;
  options.onRaced?.(raced);
  const retries = await operationFailures(() =>
    collection.bulkWrite(
      raced.map((entry) => performanceEntryUpsert(entry, now)),
      { ordered: false },
    ),
  );
  for (const error of retries) if (raced[error.index]) failed.push({ entry: raced[error.index], error });
  return failed;
}
