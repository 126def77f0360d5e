import { SmsSendError } from '../port';
import { twilioErrorReason } from '../twilioCodes';

/** Twilio's error body: `{ code, message, more_info, status }`. */
interface TwilioErrorBody {
  code?: number;
  message?: string;
  more_info?: string;
  status?: number;
}

/** Retry-After in seconds or as an HTTP date, in milliseconds from `now`. */
export function retryAfterMs(header: string | null, now: Date): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now.getTime());
}

/**
 * A refused create. An error answer created no message, except a 5xx, after which Twilio may or
 * may not hold it: that one counts as maybe sent, for the caller to reconcile.
 */
export async function twilioHttpError(response: Response, now: Date): Promise<SmsSendError> {
  const text = await response.text().catch(() => '');
  let body: TwilioErrorBody = {};
  try {
    body = JSON.parse(text) as TwilioErrorBody;
  } catch {
    // not JSON (a proxy's page): the HTTP status alone decides
  }
  const code = typeof body.code === 'number' ? body.code : undefined;
  const retryAfter = retryAfterMs(response.headers.get('retry-after'), now);
  return new SmsSendError(
    `Twilio answered ${response.status}${code ? ` (error ${code})` : ''}: ${body.message ?? text.slice(0, 200)}`,
    {
      code: String(code ?? response.status),
      reason: twilioErrorReason(code, response.status),
      mayHaveSent: response.status >= 500,
      httpStatus: response.status,
      ...(retryAfter !== undefined ? { retryAfterMs: retryAfter } : {}),
    },
  );
}

/** No answer (connection refused or reset, timeout): the request may have reached Twilio. */
export function twilioNetworkError(cause: unknown): SmsSendError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new SmsSendError(
    `Twilio did not answer: ${reason}`,
    { code: 'NETWORK', reason: 'NETWORK', mayHaveSent: true },
    { cause },
  );
}
