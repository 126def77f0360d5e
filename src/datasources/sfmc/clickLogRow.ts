/** A click-log row as the source returns it: column name to value (names in any case). */
export type ClickLogRow = Record<string, unknown>;

/**
 * Marketing Cloud writes dates without an offset in its system time, which is UTC-6 all year
 * (Central Standard Time, no daylight saving). These parsers turn such text into true UTC.
 */
export const SFMC_SYSTEM_OFFSET_MINUTES = -6 * 60;

const ISO_LOCAL = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?$/;
const US_EXPORT = /^(\d{1,2})\/(\d{1,2})\/(\d{4}) (\d{1,2}):(\d{2})(?::(\d{2}))? ?([AaPp][Mm])$/;

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}

/**
 * Parses EventDate as `2026-03-08T01:30:00` (ISO, no offset: SFMC system time; an explicit
 * offset or Z is honoured) or `3/8/2026 1:30:00 AM` (SFMC export format, system time).
 * Returns null for anything else or for an impossible calendar date.
 */
export function parseSfmcDate(text: string): Date | null {
  const value = text.trim();
  const iso = ISO_LOCAL.exec(value);
  if (iso) {
    const clock: WallClock = {
      year: Number(iso[1]),
      month: Number(iso[2]),
      day: Number(iso[3]),
      hour: Number(iso[4]),
      minute: Number(iso[5]),
      second: Number(iso[6] ?? 0),
      millisecond: Number((iso[7] ?? '0').padEnd(3, '0').slice(0, 3)),
    };
    return fromWallClock(clock, iso[8] === undefined ? SFMC_SYSTEM_OFFSET_MINUTES : offsetMinutes(iso[8]));
  }
  const us = US_EXPORT.exec(value);
  if (us) {
    const hour12 = Number(us[4]);
    if (hour12 < 1 || hour12 > 12) return null;
    const pm = us[7]!.toUpperCase() === 'PM';
    const clock: WallClock = {
      year: Number(us[3]),
      month: Number(us[1]),
      day: Number(us[2]),
      hour: (hour12 % 12) + (pm ? 12 : 0),
      minute: Number(us[5]),
      second: Number(us[6] ?? 0),
      millisecond: 0,
    };
    return fromWallClock(clock, SFMC_SYSTEM_OFFSET_MINUTES);
  }
  return null;
}

/** Formats an instant as SFMC system time without offset, for $filter expressions. */
export function formatSfmcDate(instant: Date): string {
  const shifted = new Date(instant.getTime() + SFMC_SYSTEM_OFFSET_MINUTES * 60_000);
  return shifted.toISOString().slice(0, 19);
}

function offsetMinutes(designator: string): number {
  if (designator === 'Z') return 0;
  const sign = designator.startsWith('-') ? -1 : 1;
  const digits = designator.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2)));
}

function fromWallClock(clock: WallClock, offset: number): Date | null {
  const { year, month, day, hour, minute, second, millisecond } = clock;
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return null;
  const utc = Date.UTC(year, month - 1, day, hour, minute, second, millisecond);
  // Date.UTC rolls 2/30 over to 3/2: a calendar date that does not exist is rejected instead.
  if (new Date(utc).getUTCDate() !== day) return null;
  return new Date(utc - offset * 60_000);
}

/** The EventDate of a row as true UTC, or null when absent or unreadable. */
export function eventDateOf(row: ClickLogRow): Date | null {
  for (const [name, value] of Object.entries(row)) {
    if (name.toLowerCase() === 'eventdate')
      return value === null || value === undefined ? null : parseSfmcDate(String(value));
  }
  return null;
}
