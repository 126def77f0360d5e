import type { Db } from 'mongodb';
import type { App } from '../../app';
import type { QueuePort } from '../../datasources/queue';
import type { SfmcPort } from '../../datasources/sfmc';
import type { Logger } from '../../logger';
import type { AcknowledgeClicksDeps } from './acknowledgeClicks';
import type { LoadClicksDeps } from './loadClicks';
import type { ProcessClicksDeps } from './processClicks';
import { ReportingCalendar } from './reportingDay';
import { KnownModels } from './relatedModels';
import { createClickMetrics, type ClickMetrics } from './clickMetrics';

/** Everything the three steps need, built once per app from its ports and config. */
export type ClickPipelineDeps = LoadClicksDeps & ProcessClicksDeps & AcknowledgeClicksDeps & { metrics?: ClickMetrics };

export interface ClickPipelineSettings {
  db: Db;
  sfmc: SfmcPort;
  queue: QueuePort;
  logger: Logger;
  timeZone: string;
  pageSize?: number;
  batchSize?: number;
  ackBatchSize?: number;
  lookbackMinutes?: number;
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
    lookbackMs: (settings.lookbackMinutes ?? 60) * 60_000,
    known: new KnownModels(),
    metrics: settings.metrics,
  };
}

const perApp = new WeakMap<App, ClickPipelineDeps>();

/** The app's pipeline, made on first use (its calendar keeps a cache worth sharing). */
export function clickPipeline(app: App): ClickPipelineDeps {
  let deps = perApp.get(app);
  if (!deps) {
    deps = createClickPipeline({
      db: app.db,
      sfmc: app.ports.sfmc,
      queue: app.ports.queue,
      logger: app.logger.child({ feature: 'clicks' }),
      timeZone: app.config.REPORTING_TIME_ZONE,
      pageSize: app.config.CLICKS_PAGE_SIZE,
      batchSize: app.config.CLICKS_BATCH_SIZE,
      ackBatchSize: app.config.CLICKS_ACK_BATCH_SIZE,
      lookbackMinutes: app.config.CLICKS_LOOKBACK_MINUTES,
      metrics: createClickMetrics(app.metrics),
    });
    perApp.set(app, deps);
  }
  return deps;
}
