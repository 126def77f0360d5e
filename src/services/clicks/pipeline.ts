import type { QueuePort } from '../../datasources/queue';
import type { SfmcPort } from '../../datasources/sfmc';
import type { Db } from '../../datasources/store';
import type { Logger } from '../../logger';
import type { AcknowledgeClicksDeps } from './acknowledgeClicks';
import type { LoadClicksDeps } from './loadClicks';
import type { ProcessClicksDeps } from './processClicks';
import { ReportingCalendar } from './reportingDay';
import { KnownModels } from './relatedModels';
import { KeyedLock } from '../keyedLock';
import type { ClickMetrics } from './clickMetrics';

/** Everything the three steps need, built once per app from its ports and config. */
export type ClickPipelineDeps = LoadClicksDeps &
  ProcessClicksDeps &
  AcknowledgeClicksDeps & {
    metrics?: ClickMetrics;
    /** How long a received click message stays invisible; its worker extends it while it holds it. */
    visibilitySeconds: number;
    /** Writers of one business unit's click events (and of its figures' rebuild) take turns. */
    unitWriters: KeyedLock;
    /** Rows the processor writes per pass (one commit of their click events and figures) while behind. */
    writeRows: number;
    /** Rows per pass when what it received together is less than one pass of writeRows. */
    liveWriteRows: number;
  };

export interface ClickPipelineSettings {
  db: Db;
  sfmc: SfmcPort;
  queue: QueuePort;
  logger: Logger;
  timeZone: string;
  pageSize?: number;
  batchSize?: number;
  ackBatchSize?: number;
  /** CLICKS_WRITE_ROWS. */
  writeRows?: number;
  /** CLICKS_LIVE_WRITE_ROWS. */
  liveWriteRows?: number;
  lookbackMinutes?: number;
  /** CLICKS_LOAD_LEASE_SECONDS. */
  leaseSeconds?: number;
  /** CLICKS_VISIBILITY_SECONDS. */
  visibilitySeconds?: number;
  metrics?: ClickMetrics;
}

export function createClickPipeline(settings: ClickPipelineSettings): ClickPipelineDeps {
  return {
    db: settings.db,
    sfmc: settings.sfmc,
    queue: settings.queue,
    logger: settings.logger,
    calendar: new ReportingCalendar(settings.timeZone),
    pageSize: settings.pageSize ?? 2500,
    batchSize: settings.batchSize ?? 500,
    ackBatchSize: settings.ackBatchSize ?? 2000,
    writeRows: settings.writeRows ?? 5000,
    liveWriteRows: settings.liveWriteRows ?? 250,
    lookbackMs: (settings.lookbackMinutes ?? 0) * 60_000,
    leaseMs: (settings.leaseSeconds ?? 10) * 1000,
    visibilitySeconds: settings.visibilitySeconds ?? 10,
    known: new KnownModels(),
    unitWriters: new KeyedLock(),
    metrics: settings.metrics,
  };
}
