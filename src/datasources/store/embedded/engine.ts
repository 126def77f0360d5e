import { EventEmitter } from 'node:events';
import { mkdirSync } from 'node:fs';
import { open, type Database, type RootDatabase } from 'lmdb';
import { deserialize, serialize } from './bson';
import { emptyCatalog, type CatalogData, type CollectionEntry } from './catalog';
import { serverError } from './errors';
import { upgradeFormat } from './formatUpgrade';
import type { StoreLedger } from './ledger';
import { ChangeCounts } from './changeCounts';
import { OplogBatch } from './oplogBatch';
import { readSeq, seqKey } from './oplogKeys';
import { WriteBatches, type WriteOutcome } from './writeBatches';
import { labelOf, runWriteCall, type WriteCall, type WriteCallResult } from './writeCalls';
import { WriterThread, type SettledCall } from './writerThread';

export interface EngineOptions {
  dataDir: string;
  dbName: string;
  /** How often TTL indexes are swept (MongoDB's TTL monitor runs every 60 s). */
  ttlIntervalMs: number;
  /** Oplog entries older than this are trimmed. */
  oplogRetentionMs: number;
  /** At most this many oplog entries are kept, whatever their age. */
  oplogMaxEntries: number;
  /** How often watchers look for commits made by other processes on the same data dir. */
  watchPollMs: number;
  /** Opened beside the writing process (backups, reports): nothing is written, writes are refused. */
  readOnly?: boolean;
  /** Counts the engine's puts, gets, commits and transaction time (benchmarks); writes stay on this thread. */
  ledger?: StoreLedger;
  /**
   * Runs write transactions on a thread of their own (writerThread.ts), so none holds this
   * thread's event loop; otherwise they run on this thread, between its other callbacks.
   */
  writerThread?: boolean;
}

/** Which thread a write transaction's work held: the one that opened the store, or the writer thread. */
export type TransactionThread = 'main' | 'writer';

export type TransactionHoldListener = (ms: number, collection: string, thread: TransactionThread) => void;

/**
 * LMDB's durability settings, as every environment is opened with them (and as benchmarks report
 * them): each commit synced to disk before it is acknowledged, pages written through LMDB's own
 * copy-on-write (no write map), documents stored uncompressed. overlappingSync: see the constructor.
 */
export const STORE_DURABILITY = {
  noSync: false,
  noMetaSync: false,
  useWritemap: false,
  mapAsync: false,
  overlappingSync: false,
  compression: false,
} as const;

/**
 * Address space mapped for the data file from the start (the file itself grows only as data is
 * written). lmdb-js otherwise starts with a small map and remaps a larger one whenever the data
 * outgrows it, which holds a write transaction for tens of milliseconds each time; it still does
 * past this size.
 */
const MAP_RESERVATION_BYTES = 2 ** 38;

const CATALOG_KEY = 'catalog';
const CATALOG_VERSION_KEY = 'catalogVersion';

/**
 * The LMDB environment behind the embedded store: four tables in one memory-mapped file.
 * - docs:   collection prefix + encoded _id -> BSON document
 * - index:  index prefix + encoded key components + encoded _id -> encoded _id
 * - oplog:  8-byte sequence number of a write call's last change -> that call's changes
 * - meta:   catalog (collections and their indexes), catalog version, last oplog sequence
 * Several processes may open the same directory: LMDB's write lock is shared between processes,
 * and every write re-reads the catalog version inside its transaction.
 */
export class Engine {
  readonly env: RootDatabase;
  readonly docs: Database<Buffer, Buffer>;
  readonly index: Database<Buffer, Buffer>;
  readonly oplog: Database<Buffer, Buffer>;
  readonly meta: Database<Buffer, string>;
  /** Emits 'commit' after any write of this process (or, via polling, of another) is durable. */
  readonly commits = new EventEmitter();
  /** Changes of the running write call, stored as one oplog record when it ends. */
  readonly oplogBatch = new OplogBatch();
  /** Per collection, the write calls that changed it, counted once durable (the change clock). */
  readonly changeCounts = new ChangeCounts();
  private catalogData: CatalogData = emptyCatalog();
  private closed = false;
  private watchers = 0;
  private poller: NodeJS.Timeout | undefined;
  private polledSeq = 0;
  private commitAnnounced = false;
  /**
   * The write transaction the previous callback ran in, and the last oplog sequence it handed
   * out. lmdb-js runs every callback of an event turn in one LMDB transaction; LMDB's
   * transaction id only moves when some process commits, so the same id means nothing changed
   * in between and the catalog and the sequence need not be read again.
   */
  private txnState: { id: number; seq: number | undefined } | undefined;
  /** Told of every write transaction: how long it held the main thread, and its heaviest write's collection. */
  private readonly holdListeners = new Set<TransactionHoldListener>();
  /** Write calls batched into transactions, one transaction at a time. */
  private readonly batches = new WriteBatches({
    transaction: (callback) => this.env.transaction(callback),
    run: (action, label, transaction) => this.runWrite(action, label, transaction),
    settled: (outcome, failure) => {
      if (failure !== undefined) this.catalogData = { ...this.catalogData, version: -1 };
      this.changeCounts.count(outcome.changed);
      if (failure === undefined && outcome.error === undefined) this.announceCommit();
    },
    held: (ms, heaviest) => this.tellHeld(ms, heaviest, 'main'),
  });
  /** With `writerThread`: the thread the write transactions run on. */
  private readonly thread: WriterThread | undefined;

  constructor(readonly options: EngineOptions) {
    if (!options.readOnly) mkdirSync(options.dataDir, { recursive: true });
    // noSubdir: lmdb-js otherwise takes a path whose last part has a dot for a file name.
    // overlappingSync off (lmdb-js enables it by default on Linux): with it, a committing process
    // releases the write lock, fsyncs, and then rewrites the meta page of the transaction it
    // synced, holding only the sync lock. When other processes commit twice during that fsync,
    // the rewrite lands on the slot of the newer commit and silently drops it (and the next
    // writer builds on the older root): a write reported as committed vanishes, so two processes
    // both win the same unique key or claim. Syncing inside the write lock has no such window.
    this.env = open({
      path: options.dataDir,
      noSubdir: false,
      maxDbs: 8,
      noMemInit: true,
      mapSize: MAP_RESERVATION_BYTES,
      ...STORE_DURABILITY,
      readOnly: options.readOnly === true,
    });
    this.docs = this.env.openDB({ name: 'docs', encoding: 'binary', keyEncoding: 'binary' });
    this.index = this.env.openDB({ name: 'index', encoding: 'binary', keyEncoding: 'binary' });
    this.oplog = this.env.openDB({ name: 'oplog', encoding: 'binary', keyEncoding: 'binary' });
    this.meta = this.env.openDB({ name: 'meta', encoding: 'binary' });
    if (options.ledger?.countsTables) {
      for (const [name, table] of [
        ['docs', this.docs],
        ['index', this.index],
        ['oplog', this.oplog],
        ['meta', this.meta],
      ] as const)
        options.ledger.watch(name, table);
    }
    this.commits.setMaxListeners(0);
    this.refreshCatalog();
    upgradeFormat(this);
    if (options.writerThread && !options.readOnly && !options.ledger) {
      this.thread = new WriterThread(options, {
        settled: (calls) => this.threadSettled(calls),
        held: (ms, heaviest) => this.tellHeld(ms, heaviest, 'writer'),
      });
    }
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** The catalog as of the last refresh; writers refresh inside their transaction. */
  get catalog(): CatalogData {
    return this.catalogData;
  }

  /** Re-reads the catalog when another writer (of any process) changed it. */
  refreshCatalog(): void {
    const versionBytes = this.meta.get(CATALOG_VERSION_KEY);
    const version = versionBytes ? versionBytes.readUInt32BE(0) : 0;
    if (version === this.catalogData.version && version !== 0) return;
    const stored = this.meta.get(CATALOG_KEY);
    this.catalogData = stored ? (deserialize(stored) as CatalogData) : emptyCatalog();
  }

  collectionEntry(name: string): CollectionEntry | undefined {
    return this.catalogData.collections[name];
  }

  /** Inside a write transaction: the collection's entry, created (and persisted) on first use. */
  ensureCollection(name: string): CollectionEntry {
    const existing = this.catalogData.collections[name];
    if (existing) return existing;
    const entry: CollectionEntry = { name, id: this.allocateId(), indexes: [] };
    this.catalogData.collections[name] = entry;
    this.saveCatalog();
    return entry;
  }

  allocateId(): number {
    const id = this.catalogData.nextId;
    this.catalogData.nextId = id + 1;
    return id;
  }

  /** Inside a write transaction: persists the in-memory catalog and bumps its version. */
  saveCatalog(): void {
    this.catalogData.version += 1;
    const versionBytes = Buffer.allocUnsafe(4);
    versionBytes.writeUInt32BE(this.catalogData.version);
    this.meta.putSync(CATALOG_KEY, serialize(this.catalogData));
    this.meta.putSync(CATALOG_VERSION_KEY, versionBytes);
  }

  /**
   * Calls `listener` after each write transaction's work, with the milliseconds it held the
   * thread that ran it (this one, or the writer thread) and the collection its longest write
   * call wrote (`other` for calls not on one collection). Answers the function that stops it.
   */
  onTransactionHeld(listener: TransactionHoldListener): () => void {
    this.holdListeners.add(listener);
    return () => this.holdListeners.delete(listener);
  }

  private tellHeld(ms: number, heaviest: string, thread: TransactionThread): void {
    for (const listener of this.holdListeners) listener(ms, heaviest, thread);
  }

  /**
   * Runs a write call inside LMDB's write transaction and answers once that commit is on disk.
   * LMDB's write lock is shared by every process on the data directory, so the call's reads and
   * writes are atomic across processes. Write primitives check everything before they write,
   * so a call that throws leaves no half-written document; `atomic` adds a rollback where that
   * is not so.
   *
   * Write calls issued in the same event-loop turn always share one commit; how turns are
   * batched into transactions: writeBatches.ts.
   */
  async write<C extends WriteCall>(call: C): Promise<WriteCallResult<C['kind']>> {
    this.refuseWrites();
    if (this.thread) return (await this.thread.submit(call)) as WriteCallResult<C['kind']>;
    const outcome = await this.writeOutcome(call);
    if (outcome.error !== undefined) throw outcome.error;
    return outcome.value as WriteCallResult<C['kind']>;
  }

  /** On this thread: runs a write call, answering what it did once durable (its error too). */
  writeOutcome(call: WriteCall): Promise<WriteOutcome> {
    this.refuseWrites();
    return this.batches.submit(() => runWriteCall(this, call), labelOf(call));
  }

  private refuseWrites(): void {
    if (this.closed) throw new Error('the store is closed');
    if (this.options.readOnly) {
      throw serverError(10107, 'NotWritablePrimary', 'the store is open read-only: writes are refused');
    }
  }

  /** Calls the writer thread committed: reads see them from now on, then the change clock and watchers do. */
  private threadSettled(calls: SettledCall[]): void {
    this.env.resetReadTxn();
    this.refreshCatalog();
    let committed = false;
    for (const call of calls) {
      this.changeCounts.count(new Set(call.changed));
      if (call.error === undefined) committed = true;
    }
    if (committed) this.announceCommit();
  }

  /** Inside the write transaction: one write call, its changes recorded in the oplog. */
  private runWrite(action: () => unknown, label: string, transaction: number): WriteOutcome {
    const outcome: WriteOutcome = {};
    this.beginCallback();
    this.changeCounts.begin();
    const ledger = this.options.ledger;
    try {
      outcome.value = ledger ? ledger.timed(label, transaction, action) : action();
    } catch (error) {
      outcome.error = error ?? new Error('write failed');
      // The in-memory catalog may hold changes the action made before it failed: reload it.
      this.catalogData = { ...this.catalogData, version: -1 };
    } finally {
      // Writes made before a throw stay in the transaction: their changes are recorded too.
      try {
        this.flushOplog();
      } catch (error) {
        outcome.error ??= error;
        this.catalogData = { ...this.catalogData, version: -1 };
      }
      outcome.changed = this.changeCounts.end();
    }
    return outcome;
  }

  /** Inside a write transaction: a nested transaction, rolled back entirely if `action` throws. */
  atomic<T>(action: () => T): T {
    // Changes recorded before stay out of the nested transaction, which may be rolled back.
    this.flushOplog();
    try {
      return this.env.transactionSync(action);
    } catch (error) {
      // The catalog and oplog on disk were rolled back with it: the next callback re-reads them,
      // and the changes it recorded are dropped.
      this.txnState = undefined;
      this.oplogBatch.clear();
      throw error;
    }
  }

  private beginCallback(): void {
    const id = this.env.getWriteTxnId();
    if (this.txnState?.id === id && this.catalogData.version !== -1) return;
    this.refreshCatalog();
    this.txnState = { id, seq: undefined };
  }

  /**
   * Inside a write transaction: stores the changes recorded since the last flush as one oplog
   * record, numbered on from the oplog's last sequence and keyed by its own last one.
   */
  flushOplog(): void {
    const record = this.oplogBatch.take();
    if (!record) return;
    const state = this.txnState!;
    state.seq = (state.seq ?? this.lastOplogSeq()) + record.count;
    this.oplog.putSync(seqKey(state.seq), record.value);
  }

  /** The newest change's sequence: the last record's key (trimming always keeps the newest record). */
  lastOplogSeq(): number {
    for (const key of this.oplog.getKeys({ reverse: true, limit: 1 })) return readSeq(key as Buffer);
    return 0;
  }

  /**
   * Wakes this process's watchers once per event-loop turn: a batch of hundreds of writes
   * resolves together, and each watcher reads everything new in one pass anyway.
   */
  private announceCommit(): void {
    if (this.commitAnnounced) return;
    this.commitAnnounced = true;
    setImmediate(() => {
      this.commitAnnounced = false;
      if (!this.closed) this.commits.emit('commit');
    });
  }

  /** A change stream opened: poll for other processes' commits while any is open. */
  startWatching(): void {
    this.watchers++;
    if (this.poller) return;
    this.polledSeq = this.lastOplogSeq();
    this.poller = setInterval(() => this.pollForeignCommits(), this.options.watchPollMs);
    this.poller.unref();
  }

  stopWatching(): void {
    this.watchers = Math.max(0, this.watchers - 1);
    if (this.watchers === 0 && this.poller) {
      clearInterval(this.poller);
      this.poller = undefined;
    }
  }

  private pollForeignCommits(): void {
    if (this.closed) return;
    // lmdb-js renews its read snapshot on each event-loop turn, so this timer sees other
    // processes' commits.
    const seq = this.lastOplogSeq();
    if (seq === this.polledSeq) return;
    this.polledSeq = seq;
    this.commits.emit('commit');
  }

  /**
   * Writes a consistent copy of the whole environment as `dir/data.mdb` (`dir` must exist and be
   * empty): LMDB's own copy, compacted (free pages left out), read in one read transaction, so
   * writers go on meanwhile and the copy holds exactly the commits made before it began.
   */
  async snapshot(dir: string): Promise<void> {
    if (this.closed) throw new Error('the store is closed');
    await this.env.backup(dir, true);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.poller) clearInterval(this.poller);
    this.poller = undefined;
    // Write calls accepted before the close are committed first.
    await this.batches.drain();
    await this.thread?.close();
    this.commits.emit('close');
    this.commits.removeAllListeners();
    // lmdb-js renews its read transaction on a setTimeout(0) after reads: let that timer run
    // before the environment goes away.
    await new Promise((resolve) => setTimeout(resolve, 0));
    await this.env.close();
  }
}
