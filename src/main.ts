import 'reflect-metadata';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { App } from './app';
import { ConfigError, loadConfig, type Config } from './config';
import { redactUri } from './logger';
import { createGraphQLMetrics } from './datasources/metrics';
import { featureResolvers, resolverContainer, type WiredFeature } from './features';
import { auditLogOf } from './features/audit';
import { buildAppSchema } from './schema';
import { createApolloServer } from './server/apollo';
import { auditMutations } from './server/auditMutations';
import { composeApp, type ComposeOptions } from './server/compose';
import { createFormatError } from './server/formatError';
import { createHttpApp } from './server/http';
import { queryLimitsOf } from './server/limits';
import { ApiRateLimits } from './server/rateLimits';
import { attachWebSocketServer } from './server/websocket';
import { cachedDocuments } from './server/execution/cachedDocuments';
import { createExecutor } from './server/execution/executionGateway';
import { ResponseCache } from './server/execution/responseCache';

export type ServiceOptions = ComposeOptions;

export interface Service {
  app: App;
  /** Each feature with its services, as this service runs them. */
  features: readonly WiredFeature[];
  httpServer: Server;
  /** The GraphQL endpoint, http://host:port/graphql (known once start() resolved). */
  readonly url: string;
  start(): Promise<void>;
  /** Graceful: stop accepting, finish in-flight requests, close sockets, stop jobs, close the store. */
  stop(): Promise<void>;
}

/** Listens on HOST:PORT (PORT 0: any free port) and returns the GraphQL URL to reach it. */
async function listen(httpServer: Server, config: Config): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(config.PORT, config.HOST, () => {
      httpServer.off('error', reject);
      resolve();
    });
  });
  const { port } = httpServer.address() as AddressInfo;
  const host = config.HOST === '0.0.0.0' || config.HOST === '::' ? 'localhost' : config.HOST;
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}/graphql`;
}

/** The schema, and Apollo (HTTP) and graphql-ws (WebSocket) serving it with the same limits, errors and metrics. */
async function createGraphQLServers(app: App, features: readonly WiredFeature[], httpServer: Server) {
  const { config } = app;
  const production = config.NODE_ENV === 'production';
  const limits = queryLimitsOf(config);
  const exposeStackTraces = config.UNSAFE_EXPOSE_STACK_TRACES;
  const formatError = createFormatError({ production, exposeStackTraces, logger: app.logger });
  const metrics = createGraphQLMetrics(app.metrics);
  const resolvers = featureResolvers(features.map(({ feature }) => feature));
  const resolverInstances = resolverContainer(features);
  const schema = await buildAppSchema(resolvers, resolverInstances);
  const auditLog = auditLogOf(features);
  if (auditLog) auditMutations(schema, auditLog);
  const rateLimits = new ApiRateLimits(app);
  const apollo = createApolloServer({
    schema,
    httpServer,
    limits,
    formatError,
    exposeStackTraces,
    logger: app.logger,
    metrics,
    // Leave a second of the shutdown budget for closing ports and the store.
    stopGracePeriodMs: Math.max(0, config.SHUTDOWN_TIMEOUT_MS - 1000),
    rateLimits,
    executor: createExecutor(schema, {
      jit: config.GRAPHQL_JIT === 'on',
      maxDocuments: config.GRAPHQL_JIT_MAX_DOCUMENTS,
    }),
    ...(config.RESPONSE_CACHE === 'on'
      ? {
          responseCache: new ResponseCache({
            documents: cachedDocuments,
            clock: app.store.changeClock,
            maxEntries: config.RESPONSE_CACHE_MAX_ENTRIES,
            maxBytes: config.RESPONSE_CACHE_MAX_BYTES,
            registry: app.metrics,
          }),
        }
      : {}),
  });
  const webSockets = attachWebSocketServer({
    httpServer,
    schema,
    app,
    resolvers: resolverInstances,
    limits,
    formatError,
    metrics,
    rateLimits,
  });
  return { apollo, webSockets, resolvers: resolverInstances, rateLimits };
}

/**
 * Builds the whole service (store, ports, jobs, schema, HTTP and WebSocket on one port) without
 * listening yet. start() listens on HOST:PORT and starts workers, schedules and features.
 */
export async function createService(config: Config, options: ServiceOptions = {}): Promise<Service> {
  const composed = await composeApp(config, options);
  const { app, features, jobSystem } = composed;
  let stopping = false;
  let url = '';
  const httpServer = createServer();
  const graphQLServers = createGraphQLServers(app, features, httpServer);
  const { apollo, webSockets, resolvers, rateLimits } = await graphQLServers.catch(async (error: unknown) => {
    await composed.close();
    throw error;
  });

  async function start(): Promise<void> {
    await apollo.start();
    httpServer.on(
      'request',
      createHttpApp({ app, apollo, features, resolvers, rateLimits, isStopping: () => stopping }),
    );
    url = await listen(httpServer, config);
    // CLI commands run beside the service send their writes here (docs/store.md).
    app.store.announceApi?.(url);
    await jobSystem.start();
    for (const { feature, services } of features) await feature.start?.(app, services);
    app.logger.info({ url }, 'Campaign Hub is listening');
  }

  async function stop(): Promise<void> {
    if (stopping) return;
    stopping = true;
    app.logger.info('stopping');
    // Reverse order of start: features first (they may still enqueue jobs or write the store).
    for (const { feature, services } of [...features].reverse()) await feature.stop?.(app, services);
    await webSockets.close();
    // In parallel, each within its own budget: apollo.stop() closes the listener and waits for
    // in-flight HTTP requests (drain plugin); the job system lets running jobs finish
    // (JOB_STOP_TIMEOUT_MS) and releases the rest to the queue. The store closes after both.
    await Promise.all([httpServer.listening ? apollo.stop() : Promise.resolve(), jobSystem.stop()]);
    await composed.close();
    app.logger.info('stopped');
  }

  return {
    app,
    features,
    httpServer,
    get url() {
      return url;
    },
    start,
    stop,
  };
}

/** `node dist/main.js`: configure from the environment, start, stop cleanly on SIGTERM/SIGINT. */
async function runMain(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const service = await createService(config);
  let shuttingDown = false;
  /** Stops gracefully within SHUTDOWN_TIMEOUT_MS, then exits with `exitCode` (1 if the stop fails or overruns). */
  const shutdown = (reason: Record<string, unknown>, exitCode: number) => {
    if (shuttingDown) return;
    shuttingDown = true;
    service.app.logger.info(reason, 'shutdown requested');
    const deadline = setTimeout(() => {
      service.app.logger.error({ timeoutMs: config.SHUTDOWN_TIMEOUT_MS }, 'shutdown took too long; exiting');
      process.exit(1);
    }, config.SHUTDOWN_TIMEOUT_MS);
    deadline.unref();
    service.stop().then(
      () => process.exit(exitCode),
      (error: unknown) => {
        service.app.logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', (signal) => shutdown({ signal }, 0));
  process.once('SIGINT', (signal) => shutdown({ signal }, 0));
  // A bug that escaped every handler leaves the process in an unknown state: log it as one JSON
  // line, stop cleanly and exit 1 so the supervisor restarts a fresh instance.
  const crash = (error: unknown) => {
    service.app.logger.fatal({ err: error }, 'unhandled error');
    shutdown({ cause: 'unhandled error' }, 1);
  };
  process.on('uncaughtException', crash);
  process.on('unhandledRejection', crash);
  await service.start();
}

if (require.main === module) {
  runMain().catch((error: unknown) => {
    // Driver errors may quote the connection string: strip credentials before printing.
    process.stderr.write(
      `Campaign Hub failed to start: ${redactUri(error instanceof Error ? error.message : String(error))}\n`,
    );
    process.exit(1);
  });
}
