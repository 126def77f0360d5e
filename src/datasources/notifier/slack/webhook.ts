import type { Logger } from '../../../logger';
import { NotifierError } from '../port';

export interface WebhookRetryPolicy {
  /** Requests made at most, the first included (SLACK_RETRY_ATTEMPTS). */
  attempts: number;
  /** First backoff after a 5xx or a network error; doubles each attempt, with jitter. */
  baseDelayMs: number;
  /** The longest wait between attempts; a Retry-After asking for more ends the tries at once. */
  maxDelayMs: number;
  /** Each request is abandoned (and retried) after this long. */
  requestTimeoutMs: number;
}

export interface WebhookPost {
  url: string;
  body: unknown;
  signal?: AbortSignal;
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

/** Slack sends Retry-After as whole seconds; null when absent or unreadable. */
export function retryAfterMs(header: string | null): number | null {
  if (header === null || header.trim() === '') return null;
  const seconds = Number(header);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : null;
}

/** Slack's answers are short tokens (`invalid_payload`); anything longer is cut for the message and the log. */
const shortBody = (text: string) => text.trim().slice(0, 200) || '(empty body)';

/**
 * POSTs JSON to an incoming webhook until Slack answers 2xx. 429 waits what Retry-After says;
 * 5xx and network errors back off exponentially; any other 4xx is Slack refusing the message
 * (`invalid_payload`, `no_text`, `channel_is_archived`...) and is thrown at once as permanent.
 * The URL is the secret of the webhook: it never reaches an error message or a log line.
 * `tally.attempts` counts the requests made, whatever the outcome.
 */
export async function postToWebhook(
  post: WebhookPost,
  policy: WebhookRetryPolicy,
  logger: Logger,
  tally: { attempts: number } = { attempts: 0 },
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    tally.attempts = attempt;
    let failure: string;
    let waitMs: number | null = null;
    let status: number | undefined;
    try {
      const timeout = AbortSignal.timeout(policy.requestTimeoutMs);
      const response = await fetch(post.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8' },
        body: JSON.stringify(post.body),
        signal: post.signal ? AbortSignal.any([post.signal, timeout]) : timeout,
      });
      status = response.status;
      const text = await response.text();
      if (response.ok) return;
      failure = `Slack answered HTTP ${status}: ${shortBody(text)}`;
      if (status !== 429 && status < 500) throw new NotifierError(failure, true, status);
      if (status === 429) waitMs = retryAfterMs(response.headers.get('retry-after'));
    } catch (error) {
      if (error instanceof NotifierError) throw error;
      if (post.signal?.aborted) throw post.signal.reason;
      failure = `Slack webhook request failed: ${networkReason(error)}`;
    }
    if (attempt >= policy.attempts) throw new NotifierError(`${failure} (after ${attempt} attempts)`, false, status);
    if (waitMs !== null && waitMs > policy.maxDelayMs) {
      throw new NotifierError(`${failure} (Retry-After ${waitMs / 1000} s is longer than we wait)`, false, status);
    }
    const delayMs = Math.round(
      waitMs ?? Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1) * (0.5 + Math.random() / 2)),
    );
    logger.warn({ status, attempt, delayMs, reason: failure }, 'Slack webhook post will be retried');
    await sleep(delayMs, post.signal);
  }
}

/** The error's code or name, never its message: fetch errors can quote the URL. */
function networkReason(error: unknown): string {
  const cause = (error as { cause?: { code?: string } }).cause;
  if (cause?.code) return cause.code;
  const name = (error as { name?: string }).name;
  return name === 'TimeoutError' ? 'timed out' : (name ?? 'unknown error');
}
