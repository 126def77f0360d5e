import { EventEmitter } from 'node:events';
import type { App, SocketEventMap } from '../app';
import { ApiKeyLookup } from '../auth/apiKeys';
import type { Config } from '../config';
import {
  features as allFeatures,
  applyFeatureIndexes,
  wireFeatures,
  type AnyFeature,
  type WiredFeature,
} from '../features';
import { createMetricsRegistry, registerStoreMetrics } from '../datasources/metrics';
import { openStore } from '../datasources/store';
import { createJobSystem, type JobSystem } from '../jobs';
import { createLogger, type Logger } from '../logger';
import { closePorts, createPorts } from './ports';

export interface ComposeOptions {
  /** Defaults to a pino logger at LOG_LEVEL. */
  logger?: Logger;
  /** Defaults to every feature of src/features/index.ts. */
  features?: readonly AnyFeature[];
  /** What the embedded store's writer lock names as its holder (default `service`). */
  holder?: string;
}

export interface ComposedApp {
  app: App;
  /** Each feature with its services, built once for this app. */
  features: readonly WiredFeature[];
  jobSystem: JobSystem;
  /** Closes the ports and the store; the caller stops HTTP and jobs first. */
  close(): Promise<void>;
}

/**
 * The composition root without HTTP: config -> logger -> store (+ the features' indexes) ->
 * metrics -> ports -> job system -> each feature's services, job types and schedules. The HTTP
 * service and the CLI both start from here, so a CLI command sees exactly the app the server runs.
 */
export async function composeApp(config: Config, options: ComposeOptions = {}): Promise<ComposedApp> {
  const logger = options.logger ?? createLogger({ level: config.LOG_LEVEL });
  const features = options.features ?? allFeatures;
  const store = await openStore({
    uri: config.MONGODB_URI,
    dataDir: config.DATA_DIR,
    dbName: config.MONGODB_DB_NAME,
    ttlIntervalMs: config.STORE_TTL_INTERVAL_SECONDS * 1000,
    oplogRetentionMs: config.STORE_OPLOG_RETENTION_HOURS * 3_600_000,
    oplogMaxEntries: config.STORE_OPLOG_MAX_ENTRIES,
    watchPollMs: config.STORE_WATCH_POLL_MS,
    writerThread: config.STORE_WRITER_THREAD,
    onError: (error) => logger.warn({ err: error }, 'store maintenance failed'),
    // The service and the CLI are the writers: one process writes a data directory at a time.
    access: 'writer',
    holder: options.holder ?? 'service',
  });
  try {
    await applyFeatureIndexes(store.db, features);
    const metrics = createMetricsRegistry();
    registerStoreMetrics(metrics, store);
    // The local click log's backlogs follow the embedded engine's change counts; on MongoDB
    // following the log would stream one change event per row written.
    const clickLogChanges = store.engine === 'embedded' ? store.changeClock : undefined;
    const ports = createPorts(config, store.db, logger, clickLogChanges);
    const jobSystem = createJobSystem({ db: store.db, config, logger, metrics, queue: ports.queue });
    const sockets = new EventEmitter<SocketEventMap>();
    const apiKeys = new ApiKeyLookup(store.db, store.changeClock);
    const app: App = { config, logger, store, db: store.db, apiKeys, jobs: jobSystem.jobs, metrics, ports, sockets };
    const wired = wireFeatures(app, features);
    for (const { feature, services } of wired) {
      jobSystem.register(feature.jobTypes?.(app, services) ?? []);
      jobSystem.addSchedules(feature.schedules ?? []);
    }
    logger.info({ storeEngine: store.engine, features: features.map((f) => f.name) }, 'app composed');
    const close = async () => {
      try {
        await closePorts(ports);
      } finally {
        await store.close();
      }
    };
    return { app, features: wired, jobSystem, close };
  } catch (error) {
    await store.close();
    throw error;
  }
}
