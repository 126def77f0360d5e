import type { Server } from 'node:http';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import type { GraphQLFormattedError, GraphQLSchema } from 'graphql';
import type { GraphQLContext } from '../context';
import type { GraphQLMetrics } from '../datasources/metrics';
import type { QueryLimits } from './limits';
import { metricsPlugin, queryLimitsPlugin } from './plugins';

export interface ApolloOptions {
  schema: GraphQLSchema;
  httpServer: Server;
  limits: QueryLimits;
  metrics: GraphQLMetrics;
  formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
  production: boolean;
  /** How long stop() lets in-flight HTTP requests finish before cutting their connections. */
  stopGracePeriodMs: number;
}

export function createApolloServer(options: ApolloOptions): ApolloServer<GraphQLContext> {
  return new ApolloServer<GraphQLContext>({
    schema: options.schema,
    formatError: options.formatError,
    includeStacktraceInErrorResponses: !options.production,
    // Introspection stays on in production: the schema is public in schema.graphql anyway, and
    // operators use the explorer against production.
    introspection: true,
    // Multipart uploads are "simple" requests for browsers; Apollo refuses them unless the
    // client sends apollo-require-preflight or x-apollo-operation-name (documented in README).
    csrfPrevention: true,
    stopOnTerminationSignals: false,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer: options.httpServer, stopGracePeriodMillis: options.stopGracePeriodMs }),
      // GET /graphql for browsers is our own offline explorer (explorer.ts), not Apollo's CDN page.
      ApolloServerPluginLandingPageDisabled(),
      queryLimitsPlugin(options.limits),
      metricsPlugin(options.metrics),
    ],
  });
}
