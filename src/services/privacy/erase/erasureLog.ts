import { text } from 'node:stream/consumers';
import type { ObjectStore } from '../../../datasources/objects/port';
import type { Db } from '../../../datasources/store';
import type { SuppressedHash } from '../../suppression/suppressionList';
import { ERASURES, type ErasureDoc, type SubjectHashes } from '../model';

/**
 * Every erasure is recorded twice, by hash only: in the store (`erasures`) and as a small JSON
 * file on the objects port under `privacy/erasures/` (S3 in production, outside the store and its
 * backups). A store restored from a backup lacks the erasures made after it; the files still
 * name them, and reapplyErasures works from them.
 */
export const LEDGER_PREFIX = 'privacy/erasures/';

/** What the ledger keeps of an erasure. */
export interface LedgerEntry {
  erasureId: string;
  hashes: SubjectHashes;
  at: string;
  finishedAt: string | null;
  suppressions: SuppressedHash[];
}

const ledgerKey = (erasureId: string, at: Date) =>
  `${LEDGER_PREFIX}${at.toISOString().slice(0, 10).replaceAll('-', '/')}/${at.getTime()}-${erasureId}.json`;

/** The start time a ledger key carries (…/<ms>-<erasureId>.json), or null for another key. */
export function ledgerTime(key: string): number | null {
  const match = /\/(\d+)-[^/]+\.json$/.exec(key);
  return match ? Number(match[1]) : null;
}

export class ErasureLog {
  constructor(
    private readonly db: Db,
    private readonly objects: ObjectStore,
  ) {}

  private get collection() {
    return this.db.collection<ErasureDoc>(ERASURES);
  }

  /** Records the erasure as started (again, on a retry: its start time stays). */
  async started(erasureId: string, hashes: SubjectHashes, requestedBy: string | null, at: Date): Promise<ErasureDoc> {
    await this.collection.updateOne(
      { _id: erasureId },
      {
        $setOnInsert: { hashes, at, requestedBy, status: 'RUNNING', finishedAt: null, changed: null, suppressions: [] },
      },
      { upsert: true },
    );
    const erasure = (await this.collection.findOne({ _id: erasureId }))!;
    await this.writeLedger(erasure);
    return erasure;
  }

  async finished(erasure: ErasureDoc, changed: number, suppressions: SuppressedHash[], at: Date): Promise<void> {
    const done = { ...erasure, status: 'DONE' as const, finishedAt: at, changed, suppressions };
    await this.collection.updateOne(
      { _id: erasure._id },
      { $set: { status: 'DONE', finishedAt: at, changed, suppressions } },
    );
    await this.writeLedger(done);
  }

  /** The ledger's erasures that started at or after `from`, oldest first. */
  async ledgerSince(from: Date): Promise<LedgerEntry[]> {
    const keys = (await this.objects.list(LEDGER_PREFIX))
      .map((object) => ({ key: object.key, time: ledgerTime(object.key) }))
      .filter(({ time }) => time !== null && time >= from.getTime())
      .sort((a, b) => a.time! - b.time!);
    const entries: LedgerEntry[] = [];
    for (const { key } of keys) {
      const stored = await this.objects.get(key);
      if (stored) entries.push(JSON.parse(await text(stored.body)) as LedgerEntry);
    }
    return entries;
  }

  /** Brings a ledger entry back into the store (a restore); true when the store lacked it. */
  async restore(entry: LedgerEntry, at: Date): Promise<boolean> {
    const result = await this.collection.updateOne(
      { _id: entry.erasureId },
      {
        $setOnInsert: {
          hashes: entry.hashes,
          at: new Date(entry.at),
          requestedBy: null,
          status: entry.finishedAt ? 'DONE' : 'RUNNING',
          finishedAt: entry.finishedAt ? new Date(entry.finishedAt) : null,
          changed: null,
          suppressions: entry.suppressions,
        },
        $set: { reappliedAt: at },
      },
      { upsert: true },
    );
    return result.upsertedCount === 1;
  }

  private async writeLedger(erasure: ErasureDoc): Promise<void> {
    const entry: LedgerEntry = {
      erasureId: erasure._id,
      hashes: erasure.hashes,
      at: erasure.at.toISOString(),
      finishedAt: erasure.finishedAt?.toISOString() ?? null,
      suppressions: erasure.suppressions,
    };
    await this.objects.put(ledgerKey(erasure._id, erasure.at), `${JSON.stringify(entry)}\n`, 'application/json');
  }
}
