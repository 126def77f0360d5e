import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { Logger } from '../logger';

/** Codes the API promises (see src/errors.ts); anything else is an internal error. */
const clientCodes = new Set([
  'BAD_USER_INPUT',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'PAYLOAD_TOO_LARGE',
  'INTERNAL_SERVER_ERROR',
]);

/**
 * Apollo's own request errors are all mistakes in the request, so they become BAD_USER_INPUT;
 * the original code stays as `reason` for clients that want the detail.
 */
const requestErrorCodes = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
]);

const GENERIC_MESSAGE = 'Internal server error';

/**
 * Shapes every error leaving the API: a known code and a message a person understands. Errors
 * without a client code are bugs or outages: logged with their cause and, in production, sent as
 * INTERNAL_SERVER_ERROR with a generic message and no stack.
 */
export function createFormatError(options: { production: boolean; logger: Logger }) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    const code = typeof formatted.extensions?.code === 'string' ? formatted.extensions.code : undefined;
    const { stacktrace, http, ...extensions } = formatted.extensions ?? {};
    if (code && requestErrorCodes.has(code)) {
      return { ...formatted, extensions: { ...extensions, code: 'BAD_USER_INPUT', reason: extensions.reason ?? code } };
    }
    // Variable coercion errors come without a code from graphql-js but are the client's doing.
    if (!code && original instanceof GraphQLError && !original.originalError && !formatted.path) {
      return { ...formatted, extensions: { ...extensions, code: 'BAD_USER_INPUT' } };
    }
    if (code && clientCodes.has(code) && code !== 'INTERNAL_SERVER_ERROR') {
      return options.production ? { ...formatted, extensions } : { ...formatted, extensions: { ...extensions, stacktrace } };
    }
    options.logger.error({ err: original, path: formatted.path }, 'unexpected error in a GraphQL operation');
    if (!options.production) {
      return { ...formatted, extensions: { ...extensions, code: 'INTERNAL_SERVER_ERROR', stacktrace } };
    }
    return {
      message: GENERIC_MESSAGE,
      ...(formatted.locations ? { locations: formatted.locations } : {}),
      ...(formatted.path ? { path: formatted.path } : {}),
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    };
  };
}
