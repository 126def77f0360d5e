import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import type { TransactionHoldListener } from '../store';

/**
 * The service's Prometheus registry, served at /metrics. Every domain registers its own metrics
 * on it (`app.metrics`); the CloudWatch engine of the tracking feature reads its own figures.
 */
export function createMetricsRegistry(options: { defaultMetrics?: boolean } = {}): Registry {
  const registry = new Registry();
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });
  return registry;
}

/** The metrics of the GraphQL layer, created once per registry. */
export interface GraphQLMetrics {
  requests: Counter<'operation' | 'type'>;
  duration: Histogram<'operation' | 'type'>;
  errors: Counter<'operation' | 'code'>;
}

export function createGraphQLMetrics(registry: Registry): GraphQLMetrics {
  return {
    requests: new Counter({
      name: 'graphql_requests_total',
      help: 'GraphQL operations received, by operation name and type',
      labelNames: ['operation', 'type'],
      registers: [registry],
    }),
    duration: new Histogram({
      name: 'graphql_request_duration_seconds',
      help: 'Time from receiving a GraphQL operation to sending its response',
      labelNames: ['operation', 'type'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    errors: new Counter({
      name: 'graphql_errors_total',
      help: 'Errors in GraphQL responses, by operation name and extensions.code',
      labelNames: ['operation', 'code'],
      registers: [registry],
    }),
  };
}

/**
 * A label value for an operation name. Names come from clients, so they are cut short and
 * reduced to a safe alphabet: a client cannot blow up the label set with long random names.
 */
export function operationLabel(name: string | null | undefined): string {
  if (!name) return 'anonymous';
  return name.replace(/[^A-Za-z0-9_]/g, '_').slice(0, 64);
}

/** Buckets of `store_write_transaction_held_seconds`, one at the 20 ms no transaction should pass. */
const HELD_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

/**
 * The embedded store's write transactions: how long each one's work held the thread that ran it
 * (the commit's sync runs on LMDB's own thread), by the collection of its longest write call and
 * by thread: `writer` (STORE_WRITER_THREAD, the default: requests never wait behind it) or `main`
 * (the event loop: requests wait behind every one). MongoDB's writes hold no thread here.
 */
export function registerStoreMetrics(
  registry: Registry,
  store: { onTransactionHeld?(listener: TransactionHoldListener): () => void },
): void {
  if (!store.onTransactionHeld) return;
  const held = new Histogram({
    name: 'store_write_transaction_held_seconds',
    help: "Time each embedded store write transaction held its thread (main: the event loop; writer: the store's writer thread), by its longest write call's collection",
    labelNames: ['collection', 'thread'],
    buckets: HELD_BUCKETS,
    registers: [registry],
  });
  store.onTransactionHeld((ms, collection, thread) => held.observe({ collection, thread }, ms / 1000));
}
