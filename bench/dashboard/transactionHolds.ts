import type { Store } from '../../src/datasources/store';

/** The store's write transactions while the benchmark loads the service: how long they held its event loop. */
export interface TransactionHolds {
  transactions: number;
  over20Ms: number;
  longestMs: number;
  /** The collection of the longest transaction's longest write call. */
  longestCollection: string | null;
  /** Transactions over 20 ms by the collection of their longest write call. */
  over20MsBy: Record<string, number>;
}

/** Counts the store's write transactions from now until the answered function is called. */
export function countTransactionHolds(store: Store): () => TransactionHolds | null {
  if (!store.onTransactionHeld) return () => null;
  const holds: TransactionHolds = {
    transactions: 0,
    over20Ms: 0,
    longestMs: 0,
    longestCollection: null,
    over20MsBy: {},
  };
  const stop = store.onTransactionHeld((ms, collection) => {
    holds.transactions += 1;
    if (ms > holds.longestMs) {
      holds.longestMs = Math.round(ms * 10) / 10;
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
