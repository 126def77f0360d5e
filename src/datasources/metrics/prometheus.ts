import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

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
