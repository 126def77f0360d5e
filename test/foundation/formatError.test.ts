import { Writable } from 'node:stream';
import { GraphQLError } from 'graphql';
import { forbidden } from '../../src/errors';
import { createLogger } from '../../src/logger';
import { createFormatError } from '../../src/server/formatError';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { lines, logger: createLogger({ level: 'info', destination }) };
}

/** What Apollo hands formatError for an error thrown in a resolver. */
function resolverError(original: Error) {
  const error = new GraphQLError(original.message, { path: ['health'], originalError: original });
  return {
    formatted: { ...error.toJSON(), extensions: { code: 'INTERNAL_SERVER_ERROR', stacktrace: ['at x'] } },
    error,
  };
}

describe('formatError', () => {
  it('in production hides an unexpected error behind a generic message and logs the cause', () => {
    const { lines, logger } = capture();
    const format = createFormatError({ production: true, logger });
    const { formatted, error } = resolverError(new Error('connection to 10.0.0.7 refused'));
    expect(format(formatted, error)).toEqual({
      message: 'Internal server error',
      path: ['health'],
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
    expect(lines[0]).toMatchObject({
      msg: 'unexpected error in a GraphQL operation',
      err: { message: 'connection to 10.0.0.7 refused' },
    });
  });

  it('in development keeps the message for the developer and sends the stack to the log only', () => {
    const { lines, logger } = capture();
    const format = createFormatError({ production: false, logger });
    const { formatted, error } = resolverError(new Error('boom'));
    expect(format(formatted, error)).toEqual({
      message: 'boom',
      path: ['health'],
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
    expect(lines[0]).toMatchObject({ err: { message: 'boom', stack: expect.stringContaining('Error: boom') } });
  });

  it('sends stack traces only when UNSAFE_EXPOSE_STACK_TRACES switches them on', () => {
    const format = createFormatError({ production: false, exposeStackTraces: true, logger: capture().logger });
    const { formatted, error } = resolverError(new Error('boom'));
    expect(format(formatted, error)).toMatchObject({
      message: 'boom',
      extensions: { code: 'INTERNAL_SERVER_ERROR', stacktrace: ['at x'] },
    });
    const socketError = new GraphQLError('no', { extensions: { code: 'FORBIDDEN' }, originalError: forbidden('no') });
    const { stacktrace } = format(socketError.toJSON(), socketError).extensions ?? {};
    expect(stacktrace).toEqual(expect.arrayContaining([expect.stringContaining('at ')]));
  });

  it('passes client errors through, without a stack in production', () => {
    const format = createFormatError({ production: true, logger: capture().logger });
    const error = forbidden('no');
    const formatted = { ...error.toJSON(), extensions: { ...error.extensions, stacktrace: ['at y'] } };
    expect(format(formatted, error)).toEqual({ message: 'no', extensions: { code: 'FORBIDDEN' } });
  });

  it.each([
    ['GRAPHQL_PARSE_FAILED', undefined, 'GRAPHQL_PARSE_FAILED'],
    ['GRAPHQL_VALIDATION_FAILED', undefined, 'GRAPHQL_VALIDATION_FAILED'],
    ['GRAPHQL_VALIDATION_FAILED', 'QUERY_TOO_DEEP', 'QUERY_TOO_DEEP'],
    ['OPERATION_RESOLUTION_FAILURE', undefined, 'OPERATION_RESOLUTION_FAILURE'],
  ])('maps Apollo code %s (reason %s) to BAD_USER_INPUT with reason %s', (code, reason, expected) => {
    const format = createFormatError({ production: true, logger: capture().logger });
    const error = new GraphQLError('bad request', { extensions: { code, ...(reason ? { reason } : {}) } });
    expect(format(error.toJSON(), error).extensions).toEqual({ code: 'BAD_USER_INPUT', reason: expected });
  });

  it('gives a code to graphql-js errors that have none (variable coercion)', () => {
    const format = createFormatError({ production: true, logger: capture().logger });
    const error = new GraphQLError('Variable "$first" got invalid value "x"');
    expect(format(error.toJSON(), error).extensions).toEqual({ code: 'BAD_USER_INPUT' });
  });
});
