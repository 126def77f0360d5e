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
  'RATE_LIMITED',
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
 * without a client code are bugs or outages: logged with their cause and stack and, in production,
 * sent as INTERNAL_SERVER_ERROR with a generic message. A stack trace reaches a client only when
 * `exposeStackTraces` (UNSAFE_EXPOSE_STACK_TRACES) is on: it tells an attacker the code's layout.
 */
export function createFormatError(options: { production: boolean; exposeStackTraces?: boolean; logger: Logger }) {
  // Apollo (HTTP) hands the stack over as extensions.stacktrace; graphql-ws errors carry only their cause.
  const withStack = (extensions: Record<string, unknown>, stacktrace: unknown, original: unknown) => {
    if (!options.exposeStackTraces) return extensions;
    const stack = stacktrace ?? (original instanceof Error ? original.stack?.split('\n') : undefined);
    return stack === undefined ? extensions : { ...extensions, stacktrace: stack };
  };
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
      return { ...formatted, extensions: withStack(extensions, stacktrace, original) };
    }
    options.logger.error({ err: original, path: formatted.path }, 'unexpected error in a GraphQL operation');
    if (!options.production) {
      const internal = { ...extensions, code: 'INTERNAL_SERVER_ERROR' };
      return { ...formatted, extensions: withStack(internal, stacktrace, original) };
    }
    return {
      message: GENERIC_MESSAGE,
      ...(formatted.locations ? { locations: formatted.locations } : {}),
      ...(formatted.path ? { path: formatted.path } : {}),
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    };
  };
}
