import type { Database } from 'lmdb';

/** What one LMDB table of the engine was asked to do. */
export interface TableCounts {
  puts: number;
  /** Puts whose key sorts after the previous put of the same collection or index (its 4-byte prefix). */
  putsInKeyOrder: number;
  removes: number;
  /** Point reads (`get`). */
  gets: number;
  /** Range reads started (`getRange`, `getKeys`). */
  ranges: number;
  /** Key and value bytes of every put. */
  bytesPut: number;
}

export interface LedgerCounts {
  tables: Record<'docs' | 'index' | 'oplog' | 'meta', TableCounts>;
  /** Write transactions (LMDB commits) this process made. */
  commits: number;
  /** Main-thread time inside write transactions, in microseconds, by the collection written. */
  transactionMicros: Record<string, number>;
  /** The longest time one transaction held the main thread (all its callbacks), in milliseconds. */
  longestTransactionMs: number;
  /** What the longest transaction wrote: its main-thread milliseconds by collection. */
  longestTransactionBy: Record<string, number>;
  /** Transactions that held the main thread more than 20 ms. */
  transactionsOver20Ms: number;
}

const emptyTable = (): TableCounts => ({ puts: 0, putsInKeyOrder: 0, removes: 0, gets: 0, ranges: 0, bytesPut: 0 });

/**
 * Counts of the engine's work, for benchmarks (`openStore({ ledger: true })`): puts, gets and
 * bytes per table, commits, and time inside write transactions per collection. Off by default:
 * the engine then runs lmdb-js's methods untouched; with `tables` false, only commits and
 * transaction time are counted and the tables' methods stay lmdb-js's own.
 */
export class StoreLedger {
  readonly countsTables: boolean;
  private counts: LedgerCounts = StoreLedger.empty();
  /** Last key put per table and prefix, to tell puts in key order from scattered ones. */
  private readonly lastKeys = new Map<string, Map<number, Buffer>>();
  private lastTxn = -1;
  private txnMicros = 0;
  private txnBy: Record<string, number> = {};

  constructor(options: { tables?: boolean } = {}) {
    this.countsTables = options.tables ?? true;
  }

  private static empty(): LedgerCounts {
    return {
      tables: { docs: emptyTable(), index: emptyTable(), oplog: emptyTable(), meta: emptyTable() },
      commits: 0,
      transactionMicros: {},
      longestTransactionMs: 0,
      longestTransactionBy: {},
      transactionsOver20Ms: 0,
    };
  }

  /** The counts since the last reset, and starts again from zero. */
  take(): LedgerCounts {
    this.closeTransaction();
    this.lastTxn = -1;
    const counts = this.counts;
    this.counts = StoreLedger.empty();
    return counts;
  }

  /** Replaces a table's put, remove and read methods with counting ones. */
  watch(name: keyof LedgerCounts['tables'], table: Database<Buffer, Buffer> | Database<Buffer, string>): void {
    const last = new Map<number, Buffer>();
    this.lastKeys.set(name, last);
    const target = table as unknown as Record<string, (...args: unknown[]) => unknown>;
    const count = (method: string, note: (args: unknown[]) => void) => {
      const original = target[method]!;
      target[method] = function (this: unknown, ...args: unknown[]) {
        note(args);
        return original.apply(this, args);
      };
    };
    const tally = () => this.counts.tables[name];
    count('putSync', ([key, value]) => {
      const counts = tally();
      counts.puts += 1;
      const keyBytes = key as Buffer | string;
      counts.bytesPut += (typeof keyBytes === 'string' ? keyBytes.length : keyBytes.length) + (value as Buffer).length;
      if (!Buffer.isBuffer(keyBytes) || keyBytes.length < 4) return;
      const prefix = keyBytes.readUInt32BE(0);
      const previous = last.get(prefix);
      if (!previous || Buffer.compare(keyBytes, previous) > 0) counts.putsInKeyOrder += 1;
      last.set(prefix, keyBytes);
    });
    count('removeSync', () => (tally().removes += 1));
    count('get', () => (tally().gets += 1));
    count('getRange', () => (tally().ranges += 1));
    count('getKeys', () => (tally().ranges += 1));
  }

  /** Times a write callback; `txnId` tells a new transaction (a commit) from a batched callback. */
  timed<T>(label: string, txnId: number, action: () => T): T {
    if (txnId !== this.lastTxn) {
      this.closeTransaction();
      this.lastTxn = txnId;
      this.counts.commits += 1;
    }
    const started = process.hrtime.bigint();
    try {
      return action();
    } finally {
      const micros = Number(process.hrtime.bigint() - started) / 1000;
      this.txnMicros += micros;
      this.txnBy[label] = (this.txnBy[label] ?? 0) + micros / 1000;
      this.counts.transactionMicros[label] = (this.counts.transactionMicros[label] ?? 0) + micros;
    }
  }

  /** Counts the transaction whose callbacks ran last (lmdb-js runs them back to back). */
  private closeTransaction(): void {
    const ms = this.txnMicros / 1000;
    const by = this.txnBy;
    this.txnMicros = 0;
    this.txnBy = {};
    if (ms > this.counts.longestTransactionMs) {
      this.counts.longestTransactionMs = ms;
      this.counts.longestTransactionBy = by;
    }
    if (ms > 20) this.counts.transactionsOver20Ms += 1;
  }
}
