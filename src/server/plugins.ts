import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphQLContext } from '../context';
import type { Logger } from '../logger';
import { operationLabel, type GraphQLMetrics } from '../datasources/metrics';
import { complexityError } from './limits';
import { ComplexityMemo } from './execution/complexityMemo';
import type { ApiRateLimits } from './rateLimits';

/**
 * Refuses operations over the complexity limit once the operation and its variables are known
 * and validated, then counts the operation and its cost against the caller's rate limits, before
 * any resolver runs. (Depth is a validation rule: see limits.ts.)
 */
export function queryComplexityPlugin(
  maxComplexity: number,
  rateLimits?: ApiRateLimits,
): ApolloServerPlugin<GraphQLContext> {
  const complexities = new ComplexityMemo();
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operationName, request, contextValue }) {
          const complexity = complexities.estimate(schema, document, operationName, request.variables);
          const error = complexityError(complexity, maxComplexity);
          if (error) throw error;
          const limited = await rateLimits?.admit(contextValue, complexity ?? 1);
          if (limited) throw limited;
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

/**
 * One debug line per operation with the ids that matter (request, operation, API key id),
 * never the query text, variables or headers: those may carry personal data or keys.
 */
export function requestLogPlugin(logger: Logger): ApolloServerPlugin<GraphQLContext> {
  return {
    async requestDidStart({ contextValue }) {
      const startedAt = performance.now();
      return {
        async willSendResponse({ operationName, response }) {
          if (!logger.isLevelEnabled('debug')) return;
          const errors = response.body.kind === 'single' ? response.body.singleResult.errors : undefined;
          logger.debug(
            {
              requestId: contextValue.requestId,
              operation: operationLabel(operationName),
              keyId: contextValue.principal?.keyId,
              errorCodes: errors?.map((error) => error.extensions?.code),
              durationMs: Math.round(performance.now() - startedAt),
            },
            'graphql operation',
          );
        },
      };
    },
  };
}
