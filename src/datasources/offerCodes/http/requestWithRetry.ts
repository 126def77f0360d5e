import type { Logger } from '../../../logger';
import { OfferCodeRegistryError } from '../port';

export interface RetryPolicy {
  /** Requests made at most, the first included (OFFER_CODES_RETRY_ATTEMPTS). */
  attempts: number;
  /** First wait after a network error, a 429 or a 5xx; doubles each attempt, with jitter. */
  baseDelayMs: number;
  /** The longest wait between attempts. */
  maxDelayMs: number;
  /** Each request is abandoned (and retried) after this long (OFFER_CODES_TIMEOUT_MS). */
  timeoutMs: number;
}

export interface RegistryRequest {
  method: 'GET' | 'POST';
  url: string;
  body?: unknown;
  apiKey?: string;
}

/** The answer of a request the service answered 2xx or 404. */
export interface RegistryAnswer {
  status: number;
  body: unknown;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Sends one request to the offer-code service until it answers 2xx or 404 (a code it does not
 * know). Network errors, timeouts, 429 (waiting its Retry-After, in seconds) and 5xx back off
 * exponentially with jitter; any other 4xx is a refusal retrying cannot change, thrown at once as
 * permanent. Registrations are idempotent on the service's side, so a retried POST whose first
 * answer was lost registers nothing twice.
 */
export async function requestWithRetry(
  request: RegistryRequest,
  policy: RetryPolicy,
  logger: Logger,
): Promise<RegistryAnswer> {
  for (let attempt = 1; ; attempt++) {
    let failure: string;
    let waitMs: number | null = null;
    let status: number | undefined;
    try {
      const response = await fetch(request.url, {
        method: request.method,
        headers: {
          accept: 'application/json',
          ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(request.apiKey ? { authorization: `Bearer ${request.apiKey}` } : {}),
        },
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
        signal: AbortSignal.timeout(policy.timeoutMs),
      });
      status = response.status;
      const text = await response.text();
      if (response.ok || status === 404) return { status, body: parseJson(text) };
      failure = `the offer-code service answered HTTP ${status}: ${text.trim().slice(0, 200) || '(empty body)'}`;
      if (status !== 429 && status < 500) throw new OfferCodeRegistryError(failure, true, status);
      if (status === 429) waitMs = retryAfterMs(response.headers.get('retry-after'));
    } catch (error) {
      if (error instanceof OfferCodeRegistryError) throw error;
      failure = `the offer-code service could not be reached: ${networkReason(error)}`;
    }
    if (attempt >= policy.attempts) {
      throw new OfferCodeRegistryError(`${failure} (after ${attempt} attempts)`, false, status);
    }
    const backoff = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1)) * (0.5 + Math.random() / 2);
    const delayMs = Math.round(Math.min(policy.maxDelayMs, waitMs ?? backoff));
    logger.warn({ status, attempt, delayMs, reason: failure }, 'offer-code service request will be retried');
    await sleep(delayMs);
  }
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    throw new OfferCodeRegistryError('the offer-code service answered something other than JSON', false);
  }
}

function retryAfterMs(header: string | null): number | null {
  const seconds = header === null || header.trim() === '' ? NaN : Number(header);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : null;
}

/** The error's code or name, never its message: fetch errors can quote the URL. */
function networkReason(error: unknown): string {
  const cause = (error as { cause?: { code?: string } }).cause;
  if (cause?.code) return cause.code;
  const name = (error as { name?: string }).name;
  return name === 'TimeoutError' ? 'timed out' : (name ?? 'unknown error');
}
