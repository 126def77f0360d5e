import { Counter, Gauge, type Registry } from 'prom-client';

/** Where records came from: the bulk endpoint, the ingest queue or the registerFan mutation. */
export type IngestSource = 'http' | 'queue' | 'graphql';

/**
 * Fan ingestion's Prometheus metrics (the seed's CloudWatch in/out counts), per record type
 * (`unknown` for a record with no known type) and source; and the lake writer's output.
 */
export interface FanIngestMetrics {
  recordsIn: Counter<'type' | 'source'>;
  recordsAccepted: Counter<'type' | 'source'>;
  recordsRejected: Counter<'type' | 'source'>;
  lakeRecords: Counter<'type'>;
  lakeFiles: Counter<'type'>;
  lakeBuffered: Gauge<'type'>;
}

/** Registers the metrics in `registry` once; an app builds them once with its fan services. */
export function createFanIngestMetrics(registry: Registry): FanIngestMetrics {
  const registers = [registry];
  const bySource = ['type', 'source'] as const;
  return {
    recordsIn: new Counter({
      name: 'fan_records_in_total',
      help: 'Fan records received, by record type and source (http, queue, graphql)',
      labelNames: bySource,
      registers,
    }),
    recordsAccepted: new Counter({
      name: 'fan_records_accepted_total',
      help: 'Fan records accepted and durable in the store, by record type and source',
      labelNames: bySource,
      registers,
    }),
    recordsRejected: new Counter({
      name: 'fan_records_rejected_total',
      help: 'Fan records rejected (invalid, unknown type, unknown or closed campaign...), by record type and source',
      labelNames: bySource,
      registers,
    }),
    lakeRecords: new Counter({
      name: 'fan_lake_records_written_total',
      help: 'Fan records written to Avro lake files, by record type',
      labelNames: ['type'] as const,
      registers,
    }),
    lakeFiles: new Counter({
      name: 'fan_lake_files_written_total',
      help: 'Avro lake files written, by record type',
      labelNames: ['type'] as const,
      registers,
    }),
    lakeBuffered: new Gauge({
      name: 'fan_lake_buffered_records',
      help: 'Fan records waiting in the lake buffer for their file, by record type (as this instance last saw)',
      labelNames: ['type'] as const,
      registers,
    }),
  };
}
