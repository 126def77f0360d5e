import { badInput } from '../../errors';

/** The days a sync covers, inclusive, as YYYY-MM-DD strings (UTC). */
export interface DateRange {
  start: string;
  end: string;
}

/** Longest range one sync may cover; a year of dailies is already far beyond a backfill. */
export const MAX_SYNC_DAYS = 366;

const DAY_MS = 86_400_000;
const isoDate = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The day isIsoDate last found valid: a sync's rows come a day at a time, each row naming it. */
let lastValidDay = '';

/** True when `value` is YYYY-MM-DD and names a real calendar day. */
export function isIsoDate(value: string): boolean {
  if (value === lastValidDay) return true;
  const match = isoDate.exec(value);
  if (!match) return false;
  const parsed = new Date(`${value}T00:00:00.000Z`);
  const valid = !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === value;
  if (valid) lastValidDay = value;
  return valid;
}

export function formatIsoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** Midnight UTC of a YYYY-MM-DD day. */
export function startOfDay(day: string): Date {
  return new Date(`${day}T00:00:00.000Z`);
}

/** The last millisecond of a YYYY-MM-DD day, UTC. */
export function endOfDay(day: string): Date {
  return new Date(`${day}T23:59:59.999Z`);
}

/**
 * The range of a sync: `date` (default yesterday in UTC) is the last day, and `days` (default 1)
 * counts back from it, as the seed's Lambda did. Throws BAD_USER_INPUT naming the field.
 */
export function resolveDateRange(input: { date?: string | null; days?: number | null }, now = new Date()): DateRange {
  const days = input.days ?? 1;
  if (!Number.isInteger(days) || days < 1 || days > MAX_SYNC_DAYS) {
    throw badInput(`days: a whole number from 1 to ${MAX_SYNC_DAYS}`, 'days');
  }
  let end: string;
  if (input.date === undefined || input.date === null) {
    end = formatIsoDate(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) - DAY_MS));
  } else if (isIsoDate(input.date)) {
    end = input.date;
  } else {
    throw badInput('date: a calendar day written YYYY-MM-DD', 'date');
  }
  const start = formatIsoDate(new Date(startOfDay(end).getTime() - (days - 1) * DAY_MS));
  return { start, end };
}
