import { GraphQLError } from 'graphql';

/** The codes clients can act on; every error leaving the API carries one in extensions.code. */
export type ErrorCode =
  | 'BAD_USER_INPUT'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'PAYLOAD_TOO_LARGE'
  | 'RATE_LIMITED'
  | 'INTERNAL_SERVER_ERROR';

/** The HTTP status that answers each code on plain HTTP routes (GraphQL answers 200 with the code). */
const HTTP_STATUS: Record<ErrorCode, number> = {
  BAD_USER_INPUT: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  RATE_LIMITED: 429,
  INTERNAL_SERVER_ERROR: 500,
};

export const httpStatusOf = (code: string): number => HTTP_STATUS[code as ErrorCode] ?? 500;

export class AppError extends GraphQLError {
  constructor(code: ErrorCode, message: string, extra: Record<string, unknown> = {}) {
    super(message, { extensions: { code, ...extra } });
    this.name = 'AppError';
  }

  get code(): ErrorCode {
    return this.extensions.code as ErrorCode;
  }
}

export const badInput = (message: string, field?: string) =>
  new AppError('BAD_USER_INPUT', message, field ? { field } : {});
export const notFound = (what: string, id: string) => new AppError('NOT_FOUND', `${what} ${id} was not found`);
export const forbidden = (message = 'You are not allowed to do this') => new AppError('FORBIDDEN', message);
export const unauthenticated = (message = 'A valid API key is required') => new AppError('UNAUTHENTICATED', message);
export const conflict = (message: string) => new AppError('CONFLICT', message);
export const payloadTooLarge = (message: string) => new AppError('PAYLOAD_TOO_LARGE', message);

/**
 * RATE_LIMITED with the wait in whole seconds, as `extensions.retryAfterSeconds` and, over HTTP,
 * as status 429 with a Retry-After header.
 */
export function rateLimited(message: string, retryAfterSeconds: number): AppError {
  return new AppError('RATE_LIMITED', message, {
    retryAfterSeconds,
    http: { status: 429, headers: new Map([['retry-after', String(retryAfterSeconds)]]) },
  });
}

/** Turns a zod error into BAD_USER_INPUT naming the first offending field. */
export function fromZodError(
  error: { issues: ReadonlyArray<{ path: PropertyKey[]; message: string }> },
  prefix = '',
): AppError {
  const first = error.issues[0];
  const field = [prefix, ...(first?.path ?? []).map(String)].filter(Boolean).join('.');
  const message = error.issues
    .map((i) => `${[prefix, ...i.path.map(String)].filter(Boolean).join('.') || 'input'}: ${i.message}`)
    .join('; ');
  return badInput(message, field || undefined);
}
