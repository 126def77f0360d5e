import { Counter, type Registry } from 'prom-client';

/** Counters of the click pipeline on the app's Prometheus registry (served at /metrics). */
export interface ClickMetrics {
  rows(bu: string, outcome: 'processed' | 'rejected', count: number): void;
  acknowledged(bu: string, count: number): void;
}

const counter = (registry: Registry, name: string, help: string) =>
  (registry.getSingleMetric(name) as Counter<string> | undefined) ??
  new Counter({
    name,
    help,
    labelNames: name === 'clicks_rows_total' ? ['bu', 'outcome'] : ['bu'],
    registers: [registry],
  });

export function createClickMetrics(registry: Registry): ClickMetrics {
  const rows = counter(
    registry,
    'clicks_rows_total',
    'Click-log rows handled by the processor, by business unit and outcome',
  );
  const acknowledged = counter(
    registry,
    'clicks_rows_acknowledged_total',
    'Click-log rows marked processed at the source, by business unit',
  );
  return {
    rows: (bu, outcome, count) => count > 0 && rows.inc({ bu, outcome }, count),
    acknowledged: (bu, count) => count > 0 && acknowledged.inc({ bu }, count),
  };
}
