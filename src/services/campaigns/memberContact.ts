import { toE164 } from '../fans/ingest/phone';

/**
 * A member's SMS contact as an import row or the API gives it: the phone read to E.164 with
 * libphonenumber-js, the time zone checked against the IANA names, the SMS consent as the time it
 * was given. Each reader answers the value or the problem, in words a person can act on.
 */
export type Read<T> = { value: T } | { problem: string };

/** A phone in E.164; `country` (two letters) reads a number without a + prefix. Blank: none. */
export function readPhone(text: string | null | undefined, country: string): Read<string | null> {
  const raw = text?.trim() ?? '';
  if (raw === '') return { value: null };
  const phone = toE164(raw, country);
  if (phone) return { value: phone };
  return {
    problem: `${raw.slice(0, 40)} is not a valid phone number in ${country} (give it with + and its country code)`,
  };
}

export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export function readTimeZone(text: string | null | undefined): Read<string | null> {
  const zone = text?.trim() ?? '';
  if (zone === '') return { value: null };
  return isTimeZone(zone)
    ? { value: zone }
    : { problem: `${zone.slice(0, 60)} is not an IANA time zone (America/Chicago)` };
}

const GIVEN = new Set(['yes', 'y', 'true', '1']);
const NOT_GIVEN = new Set(['no', 'n', 'false', '0']);

/**
 * SMS consent: yes (true, y, 1) records it as given `at`; no (false, n, 0) or blank, none; a date
 * (an ISO date-time, or a date cell of a spreadsheet) is when it was given.
 */
export function readSmsConsent(value: string | Date | null | undefined, at: Date): Read<Date | null> {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? { problem: 'not a date' } : { value };
  const text = value?.trim() ?? '';
  const word = text.toLowerCase();
  if (word === '' || NOT_GIVEN.has(word)) return { value: null };
  if (GIVEN.has(word)) return { value: at };
  const date = /^\d{4}-\d{2}-\d{2}/.test(text) ? new Date(text) : null;
  if (date && !Number.isNaN(date.getTime())) return { value: date };
  return { problem: `${text.slice(0, 40)}: yes, no or the date it was given` };
}
