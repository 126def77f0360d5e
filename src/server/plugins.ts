import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphQLContext } from '../context';
import { operationLabel, type GraphQLMetrics } from '../datasources/metrics';
import { checkQueryLimits, type QueryLimits } from './limits';

/**
 * Refuses operations over the depth or complexity limit once the operation is known and
 * validated, before any resolver runs.
 */
export function queryLimitsPlugin(limits: QueryLimits): ApolloServerPlugin<GraphQLContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operationName, request }) {
          const error = checkQueryLimits(schema, document, operationName, request.variables, limits);
          if (error) throw error;
        },
      };
    },
  };
}

/** Request count and latency by operation name and type, errors by extensions.code. */
export function metricsPlugin(metrics: GraphQLMetrics): ApolloServerPlugin<GraphQLContext> {
  return {
    async requestDidStart() {
      const stopTimer = metrics.duration.startTimer();
      // Until the document parses, the operation is unknown; such requests still count.
      let labels = { operation: 'unparsed', type: 'unknown' };
      return {
        async didResolveOperation({ operationName, operation }) {
          labels = { operation: operationLabel(operationName), type: operation?.operation ?? 'unknown' };
        },
        async willSendResponse({ response }) {
          metrics.requests.inc(labels);
          stopTimer(labels);
          const errors = response.body.kind === 'single' ? response.body.singleResult.errors : undefined;
          for (const error of errors ?? []) {
            const code = typeof error.extensions?.code === 'string' ? error.extensions.code : 'INTERNAL_SERVER_ERROR';
            metrics.errors.inc({ operation: labels.operation, code });
          }
        },
      };
    },
  };
}
