import type { Server } from 'node:http';
import { ApolloServer } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import type { GraphQLFormattedError, GraphQLSchema } from 'graphql';
import type { GraphQLContext } from '../context';
import type { GraphQLMetrics } from '../datasources/metrics';
import type { Logger } from '../logger';
import { queryDepthRule, type QueryLimits } from './limits';
import { metricsPlugin, queryComplexityPlugin, requestLogPlugin } from './plugins';
import type { ApiRateLimits } from './rateLimits';
import { executionGateway, type GatewayExecutor } from './execution/executionGateway';
import { noStorePlugin } from './execution/noStorePlugin';
import type { ResponseCache } from './execution/responseCache';
import { responseCachePlugin } from './execution/responseCachePlugin';

export interface ApolloOptions {
  schema: GraphQLSchema;
  httpServer: Server;
  limits: QueryLimits;
  metrics: GraphQLMetrics;
  formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
  /** UNSAFE_EXPOSE_STACK_TRACES: Apollo adds stack traces to errors only then (formatError decides). */
  exposeStackTraces: boolean;
  logger: Logger;
  /** How long stop() lets in-flight HTTP requests finish before cutting their connections. */
  stopGracePeriodMs: number;
  rateLimits: ApiRateLimits;
  /** Runs operations in place of Apollo's own execute (compiled queries: execution/). */
  executor: GatewayExecutor;
  /** Shared answers of allowlisted documents, when RESPONSE_CACHE is on. */
  responseCache?: ResponseCache;
}

export function createApolloServer(options: ApolloOptions): ApolloServer<GraphQLContext> {
  if (options.exposeStackTraces) {
    options.logger.warn('UNSAFE_EXPOSE_STACK_TRACES is on: error responses carry stack traces');
  }
  return new ApolloServer<GraphQLContext>({
    // Apollo Server 5 takes a custom executor only through a gateway: this one serves our schema.
    gateway: executionGateway(options.schema, options.executor),
    logger: options.logger,
    formatError: options.formatError,
    // The HTTP route admits each query within the limits first (admitQuery.ts); these hold for any
    // other way a document reaches Apollo.
    parseOptions: { maxTokens: options.limits.maxTokens },
    validationRules: [queryDepthRule(options.limits.maxDepth)],
    includeStacktraceInErrorResponses: options.exposeStackTraces,
    // A kept answer's JSON is written once, when the response cache keeps it.
    ...(options.responseCache ? { stringifyResult: (result) => options.responseCache!.stringify(result) } : {}),
    // Introspection stays on in production: the schema is public in schema.graphql anyway, and
    // operators use the explorer against production.
    introspection: true,
    // Multipart uploads are "simple" requests for browsers; Apollo refuses them unless the
    // client sends apollo-require-preflight or x-apollo-operation-name (documented in README).
    csrfPrevention: true,
    stopOnTerminationSignals: false,
    plugins: [
      ApolloServerPluginDrainHttpServer({
        httpServer: options.httpServer,
        stopGracePeriodMillis: options.stopGracePeriodMs,
      }),
      // GET /graphql for browsers is our own offline explorer (explorer.ts), not Apollo's CDN page.
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginCacheControlDisabled(),
      noStorePlugin(),
      queryComplexityPlugin(options.limits.maxComplexity, options.rateLimits),
      ...(options.responseCache ? [responseCachePlugin(options.responseCache)] : []),
      metricsPlugin(options.metrics),
      requestLogPlugin(options.logger),
    ],
  });
}
