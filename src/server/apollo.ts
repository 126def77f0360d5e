import type { Server } from 'node:http';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import type { GraphQLFormattedError, GraphQLSchema } from 'graphql';
import type { GraphQLContext } from '../context';
import type { GraphQLMetrics } from '../datasources/metrics';
import type { Logger } from '../logger';
import { queryDepthRule, type QueryLimits } from './limits';
import { metricsPlugin, queryComplexityPlugin, requestLogPlugin } from './plugins';
import type { ApiRateLimits } from './rateLimits';

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
}

export function createApolloServer(options: ApolloOptions): ApolloServer<GraphQLContext> {
  if (options.exposeStackTraces) {
    options.logger.warn('UNSAFE_EXPOSE_STACK_TRACES is on: error responses carry stack traces');
  }
  return new ApolloServer<GraphQLContext>({
    schema: options.schema,
    logger: options.logger,
    formatError: options.formatError,
    // The HTTP route admits each query within the limits first (admitQuery.ts); these hold for any
    // other way a document reaches Apollo.
    parseOptions: { maxTokens: options.limits.maxTokens },
    validationRules: [queryDepthRule(options.limits.maxDepth)],
    includeStacktraceInErrorResponses: options.exposeStackTraces,
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
      queryComplexityPlugin(options.limits.maxComplexity, options.rateLimits),
      metricsPlugin(options.metrics),
      requestLogPlugin(options.logger),
    ],
  });
}
