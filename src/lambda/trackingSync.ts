import { Registry } from 'prom-client';
import { loadConfig } from '../config';
import { createAnalyticsPort } from '../datasources/analytics';
import { createMetricsPublisher } from '../datasources/metrics';
import { openStore, type Store } from '../datasources/store';
import { applyIndexes } from '../datasources/store/indexes';
import { fromZodError } from '../errors';
import { createLogger } from '../logger';
import { failedSyncResult, runTrackingSync, type TrackingSyncHost } from '../services/tracking/runTrackingSync';
import { createSyncMetrics } from '../services/tracking/syncMetrics';
import type { SyncTrackingResult } from '../services/tracking/syncTracking';
import { trackingIndexes } from '../services/tracking/indexes';
import { trackingSyncParams } from '../services/tracking/trackingSync.job';

/** The seed's event. An EventBridge schedule sends its own envelope, which means "all defaults". */
export interface SyncEvent {
  date?: string;
  days?: number;
  publicationCode?: string;
  dryRun?: boolean;
}

/** The seed's response. */
export type SyncResponse = SyncTrackingResult;

/** Resources a warm Lambda keeps between invocations, as AWS advises for database connections. */
export interface LambdaResources {
  host: TrackingSyncHost;
  store?: Store;
}

/** Builds store, analytics and metrics from the environment (MONGODB_URI, ANALYTICS_BACKEND=athena, ...). */
export async function openLambdaResources(): Promise<LambdaResources> {
  const config = loadConfig();
  const logger = createLogger({ level: config.LOG_LEVEL, name: 'tracking-sync' });
  const store = await openStore({ uri: config.MONGODB_URI, dataDir: config.DATA_DIR });
  await applyIndexes(store.db, trackingIndexes);
  return {
    store,
    host: {
      db: store.db,
      analytics: createAnalyticsPort(config, logger),
      logger,
      metrics: createSyncMetrics(new Registry()),
      publisher: createMetricsPublisher(config),
      config,
    },
  };
}

/**
 * A Lambda handler over the given resources: the same service the job runs, with the seed's
 * event and response. Failures come back as `success: false` with the error, as in the seed;
 * a failed cold start is retried on the next invocation.
 */
export function createTrackingSyncHandler(open: () => Promise<LambdaResources>) {
  let resources: Promise<LambdaResources> | null = null;
  return async (event: SyncEvent | null | undefined): Promise<SyncResponse> => {
    const started = Date.now();
    const fields = event ?? {};
    const input = {
      date: fields.date,
      days: fields.days,
      publicationCode: fields.publicationCode,
      dryRun: fields.dryRun,
    };
    try {
      const parsed = trackingSyncParams.safeParse(input);
      if (!parsed.success) throw fromZodError(parsed.error);
      resources ??= open();
      const { host } = await resources.catch((error) => {
        resources = null;
        throw error;
      });
      return await runTrackingSync(host, parsed.data);
    } catch (error) {
      return failedSyncResult(input, error, Date.now() - started);
    }
  };
}

/** The deployed entry point: handler `lambda/trackingSync.handler` (compiled to dist/lambda/trackingSync.js). */
export const handler = createTrackingSyncHandler(openLambdaResources);
