import { GraphQLError } from 'graphql';
import { JobCancelledError, PermanentJobError } from './jobType';
import type { JobError } from './jobStore';

/** A run that outlived its type's timeoutMs: counts as a failed attempt. */
export class JobTimeoutError extends Error {
  constructor(timeoutMs: number) {
    super(`The job ran longer than its ${timeoutMs} ms timeout`);
    this.name = 'JobTimeoutError';
  }
}

/** What a failure looks like to API clients: a message and a code, never a stack. */
export function describeJobError(error: unknown): JobError & { permanent: boolean } {
  if (error instanceof PermanentJobError) return { message: error.message, code: error.code, permanent: true };
  if (error instanceof JobTimeoutError) return { message: error.message, code: 'JOB_TIMEOUT', permanent: false };
  if (error instanceof JobCancelledError) return { message: error.message, code: 'JOB_CANCELLED', permanent: true };
  if (error instanceof GraphQLError && typeof error.extensions.code === 'string') {
    // Bad input will be just as bad on the next attempt.
    return {
      message: error.message,
      code: error.extensions.code,
      permanent: error.extensions.code === 'BAD_USER_INPUT',
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { message: message.slice(0, 2000), code: 'JOB_FAILED', permanent: false };
}
