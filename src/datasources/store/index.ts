import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import type { Db } from './port';
import { countedChangeClock, watchedChangeClock, type ChangeClock } from './changeClock';
import { loadConfig, type Config } from '../../config';
import { createLogger } from '../../logger';
import { EmbeddedDb } from './embedded/db';
import { Engine, type TransactionHoldListener } from './embedded/engine';
import { StoreLedger } from './embedded/ledger';
import { startMaintenance } from './embedded/maintenance';
import { acquireWriterLock, refuseForeignWriter, type WriterLock } from './embedded/writerLock';

export * from './port';
export type { ChangeClock } from './changeClock';
export { foreignWriter, WriterLockHeldError, WRITER_LOCK_FILE, type WriterRecord } from './embedded/writerLock';
export { installSnapshot, STORE_FILE } from './embedded/snapshot';
export type { LedgerCounts, TableCounts } from './embedded/ledger';
export type { TransactionHoldListener, TransactionThread } from './embedded/engine';

/**
 * The document store: the store port (port.ts, a subset of the MongoDB driver's API), on
 * MongoDB (MONGODB_URI) through the driver itself or on the embedded LMDB engine in DATA_DIR.
 */
export interface Store {
  engine: 'mongodb' | 'embedded';
  db: Db;
  close(): Promise<void>;
  /** Embedded writer: records where this process serves its API, so CLI commands run beside it go there. */
  announceApi?(url: string): void;
  /**
   * Embedded engine: writes a consistent, compacted copy of the whole store as `dir/data.mdb`
   * (LMDB's own copy, in one read transaction; `dir` must exist and be empty). Writers go on
   * meanwhile, in this process or beside it.
   */
  snapshot?(dir: string): Promise<void>;
  /** Where each collection's committed changes stand (what the response cache checks its answers against). */
  changeClock: ChangeClock;
  /** Embedded engine opened with `ledger: true`: its counts of puts, gets, commits and transaction time. */
  ledger?: StoreLedger;
  /**
   * Embedded engine: calls `listener` after each write transaction's work (how long it held the
   * thread that ran it, the collection of its longest write call, and which thread: `main`, the
   * event loop, or `writer`); answers the function that stops it. MongoDB's writes hold no
   * thread of this process.
   */
  onTransactionHeld?(listener: TransactionHoldListener): () => void;
}

export interface OpenStoreOptions {
  /** mongodb:// connection string; defaults to MONGODB_URI. Without one, the embedded engine is used. */
  uri?: string;
  /** Embedded engine directory; defaults to DATA_DIR. */
  dataDir?: string;
  /** Database name; defaults to MONGODB_DB_NAME. */
  dbName?: string;
  /** Embedded engine: TTL sweep and oplog trim interval (default STORE_TTL_INTERVAL_SECONDS). */
  ttlIntervalMs?: number;
  /** Embedded engine: how long change events are kept for resuming (default STORE_OPLOG_RETENTION_HOURS). */
  oplogRetentionMs?: number;
  /** Embedded engine: most change events kept, whatever their age (default STORE_OPLOG_MAX_ENTRIES). */
  oplogMaxEntries?: number;
  /** Embedded engine: how often watchers look for other processes' writes (default STORE_WATCH_POLL_MS). */
  watchPollMs?: number;
  /**
   * Embedded engine: run write transactions on a thread of their own (default
   * STORE_WRITER_THREAD); a store opened with `ledger` writes on this thread.
   */
  writerThread?: boolean;
  /** Where background maintenance errors go (TTL sweep, oplog trim). */
  onError?: (error: unknown) => void;
  /**
   * Embedded engine: how this process uses the data directory (docs/store.md). `writer` (the
   * service and the CLI) takes its writer lock, refused while another live process holds it;
   * `readOnly` (backups, reports) runs beside the writer and refuses writes. Unset (tests and
   * benchmarks that run several processes on purpose) takes no lock but is refused while another
   * process holds it.
   */
  access?: 'writer' | 'readOnly';
  /** What the writer lock names as its holder, for the message a second writer gets. */
  holder?: string;
  /**
   * Embedded engine: count puts, gets, commits and time in write transactions (benchmarks);
   * 'transactions' counts only commits and time in write transactions, leaving lmdb-js's table
   * methods untouched.
   */
  ledger?: boolean | 'transactions';
}

const logger = createLogger({ level: 'warn', name: 'store' });

async function openMongo(uri: string, dbName: string): Promise<Store> {
  const client = new MongoClient(uri);
  await client.connect();
  const db = client.db(dbName);
  const changeClock = watchedChangeClock(db, (error) => logger.warn({ err: error }, 'change stream failed; reopening'));
  const close = async () => {
    await changeClock.close();
    await client.close();
  };
  return { engine: 'mongodb', db, changeClock, close };
}

export async function openStore(options: OpenStoreOptions = {}): Promise<Store> {
  // The environment is read only for what the caller left out, so a fully specified call works
  // whatever the environment holds.
  let config: Config | undefined;
  const fromEnv = (): Config => (config ??= loadConfig());
  const dbName = options.dbName ?? fromEnv().MONGODB_DB_NAME;
  // An explicit dataDir asks for the embedded engine even when MONGODB_URI is set.
  const uri = options.uri ?? (options.dataDir === undefined ? fromEnv().MONGODB_URI : undefined);
  if (uri) return openMongo(uri, dbName);
  const dataDir = options.dataDir ?? fromEnv().DATA_DIR;
  const readOnly = options.access === 'readOnly';
  if (readOnly && !existsSync(join(dataDir, 'data.mdb'))) {
    throw new Error(`${dataDir} holds no store to open read-only`);
  }
  const lock = openAccess(dataDir, options);
  let engine: Engine;
  const ledger = options.ledger ? new StoreLedger({ tables: options.ledger === true }) : undefined;
  try {
    engine = new Engine({
      ledger,
      dataDir,
      dbName,
      ttlIntervalMs: options.ttlIntervalMs ?? fromEnv().STORE_TTL_INTERVAL_SECONDS * 1000,
      oplogRetentionMs: options.oplogRetentionMs ?? fromEnv().STORE_OPLOG_RETENTION_HOURS * 3_600_000,
      oplogMaxEntries: options.oplogMaxEntries ?? fromEnv().STORE_OPLOG_MAX_ENTRIES,
      watchPollMs: options.watchPollMs ?? fromEnv().STORE_WATCH_POLL_MS,
      writerThread: !ledger && (options.writerThread ?? fromEnv().STORE_WRITER_THREAD),
      readOnly,
    });
  } catch (error) {
    lock?.release();
    throw error;
  }
  // The TTL sweep and the oplog trim write: the writer does them.
  const onError = options.onError ?? ((error: unknown) => logger.warn({ err: error }, 'store maintenance failed'));
  const stopMaintenance = readOnly ? undefined : startMaintenance(engine, onError);
  return {
    engine: 'embedded',
    db: new EmbeddedDb(engine),
    ...(lock ? { announceApi: (url: string) => lock.announce(url) } : {}),
    snapshot: (dir: string) => engine.snapshot(dir),
    changeClock: countedChangeClock(engine.changeCounts),
    onTransactionHeld: (listener) => engine.onTransactionHeld(listener),
    ...(ledger ? { ledger } : {}),
    close: async () => {
      stopMaintenance?.();
      try {
        await engine.close();
      } finally {
        lock?.release();
      }
    },
  };
}

/** The writer lock a `writer` open holds; a plain open only checks that no other process holds it. */
function openAccess(dataDir: string, options: OpenStoreOptions): WriterLock | undefined {
  if (options.access === 'writer') return acquireWriterLock(dataDir, options.holder ?? `pid ${process.pid}`);
  if (options.access === undefined) refuseForeignWriter(dataDir);
  return undefined;
}
