import type { SmsErrorReason } from './port';

/**
 * Twilio's error numbers (twilio.com/docs/api/errors), on an API answer or in a status callback's
 * ErrorCode, by what the waves do about them. The outbox engine fails its messages with the same
 * numbers, so one mapping serves both.
 */
const REASONS: Record<SmsErrorReason, readonly number[]> = {
  OPTED_OUT: [21610],
  INVALID_RECIPIENT: [21211, 21214, 21217, 21401, 21407, 21612, 21614, 30005, 30006],
  REJECTED: [21602, 21617, 30004, 30007],
  THROTTLED: [20429, 30001, 30022],
  PROVIDER_ERROR: [20500, 20503],
  NETWORK: [],
  UNREACHABLE: [30003, 30008, 30009],
  CONFIGURATION: [20003, 20404, 21408, 21606, 21659, 21660, 21703, 21704, 21705, 30002, 30010, 30032, 30034],
};

const BY_CODE = new Map<number, SmsErrorReason>(
  Object.entries(REASONS).flatMap(([reason, codes]) => codes.map((code) => [code, reason as SmsErrorReason] as const)),
);

/** The reason of a Twilio code; an unknown code falls back on the HTTP status, or on UNREACHABLE in a receipt. */
export function twilioErrorReason(code: number | undefined, httpStatus?: number): SmsErrorReason {
  const known = code === undefined ? undefined : BY_CODE.get(code);
  if (known) return known;
  if (httpStatus === undefined) return 'UNREACHABLE';
  if (httpStatus === 429) return 'THROTTLED';
  if (httpStatus >= 500) return 'PROVIDER_ERROR';
  if (httpStatus === 401 || httpStatus === 403 || httpStatus === 404) return 'CONFIGURATION';
  return 'REJECTED';
}

/** A receipt's status for a failure code: 3xxxx come from carriers (undelivered), the rest never left (failed). */
export const twilioFailureStatus = (code: number): 'undelivered' | 'failed' =>
  code >= 30000 ? 'undelivered' : 'failed';
