import type { Logger } from '../../../logger';
import { SfmcError } from '../port';

export interface RetryPolicy {
  attempts: number;
  baseMs: number;
  /** Longest wait between attempts, whatever Retry-After asks for. */
  maxDelayMs: number;
}

export interface JsonRequest {
  method: 'GET' | 'POST' | 'PUT';
  url: string;
  headers?: Record<string, string>;
  body?: unknown;
  signal?: AbortSignal;
}

export interface JsonResponse {
  status: number;
  body: unknown;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/** Seconds or an HTTP date, as RFC 9110 allows; null when absent or unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number | null {
  if (!header) return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

const retryable = (status: number) => status === 429 || status >= 500;

/**
 * A JSON request that retries 429 and 5xx (and network errors) with exponential backoff and
 * jitter, waiting what Retry-After asks when the server says. Other statuses are returned, so
 * the caller decides (401 refreshes the token).
 */
export async function requestJson(request: JsonRequest, policy: RetryPolicy, logger: Logger): Promise<JsonResponse> {
  for (let attempt = 1; ; attempt++) {
    let status = 0;
    let waitMs: number | null = null;
    try {
      const response = await fetch(request.url, {
        method: request.method,
        headers: {
          accept: 'application/json',
          ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
          ...request.headers,
        },
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
        signal: request.signal,
      });
      status = response.status;
      const text = await response.text();
      if (!retryable(status)) return { status, body: text === '' ? null : parseJson(text, request.url) };
      waitMs = retryAfterMs(response.headers.get('retry-after'));
    } catch (error) {
      if (request.signal?.aborted || error instanceof SfmcError) throw error;
      if (attempt >= policy.attempts)
        throw new SfmcError(`${request.method} ${request.url}: ${(error as Error).message}`);
    }
    if (attempt >= policy.attempts) {
      throw new SfmcError(`${request.method} ${request.url}: HTTP ${status} after ${attempt} attempts`, status);
    }
    const backoff = policy.baseMs * 2 ** (attempt - 1) * (0.5 + Math.random() / 2);
    const delay = Math.min(policy.maxDelayMs, waitMs ?? backoff);
    logger.warn(
      { url: request.url, status, attempt, delayMs: Math.round(delay) },
      'Marketing Cloud request will be retried',
    );
    await sleep(delay, request.signal);
  }
}

function parseJson(text: string, url: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new SfmcError(`${url}: the response is not JSON`);
  }
}
