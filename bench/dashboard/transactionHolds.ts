import type { Store } from '../../src/datasources/store';

/**
 * The store's write transactions while the benchmark loads the service: how long those run on
 * the event loop held it, and how long those on the writer thread held that thread.
 */
export interface TransactionHolds {
  /** Transactions run on the event loop. */
  transactions: number;
  over20Ms: number;
  longestMs: number;
  /** The collection of the longest transaction's longest write call. */
  longestCollection: string | null;
  /** Transactions over 20 ms by the collection of their longest write call. */
  over20MsBy: Record<string, number>;
  /** Transactions run on the store's writer thread (none holds the event loop). */
  writerTransactions: number;
  writerLongestMs: number;
}

const tenths = (ms: number) => Math.round(ms * 10) / 10;

/** Counts the store's write transactions from now until the answered function is called. */
export function countTransactionHolds(store: Store): () => TransactionHolds | null {
  if (!store.onTransactionHeld) return () => null;
  const holds: TransactionHolds = {
    transactions: 0,
    over20Ms: 0,
    longestMs: 0,
    longestCollection: null,
    over20MsBy: {},
    writerTransactions: 0,
    writerLongestMs: 0,
  };
  const stop = store.onTransactionHeld((ms, collection, thread) => {
    if (thread === 'writer') {
      holds.writerTransactions += 1;
      holds.writerLongestMs = Math.max(holds.writerLongestMs, tenths(ms));
      return;
    }
    holds.transactions += 1;
    if (ms > holds.longestMs) {
      holds.longestMs = tenths(ms);
      holds.longestCollection = collection;
    }
    if (ms <= 20) return;
    holds.over20Ms += 1;
    holds.over20MsBy[collection] = (holds.over20MsBy[collection] ?? 0) + 1;
  });
  return () => {
    stop();
    return holds;
  };
}
