/**
 * Quiet hours: no text between `start` and `end` of the recipient's local day (21:00 to 08:00 by
 * default, wrapping midnight). Times are minutes after local midnight; equal start and end, or
 * `enabled: false`, mean no quiet hours.
 */
export interface QuietHours {
  enabled: boolean;
  startMinute: number;
  endMinute: number;
}

const MINUTE_MS = 60_000;

export function parseQuietHours(setting: { on: boolean; start: string; end: string }): QuietHours {
  return { enabled: setting.on, startMinute: minuteOf(setting.start), endMinute: minuteOf(setting.end) };
}

function minuteOf(time: string): number {
  const [hours, minutes] = time.split(':').map(Number);
  return hours! * 60 + minutes!;
}

const active = (quiet: QuietHours) => quiet.enabled && quiet.startMinute !== quiet.endMinute;

function quietAtMinute(minute: number, quiet: QuietHours): boolean {
  const { startMinute: start, endMinute: end } = quiet;
  return start < end ? minute >= start && minute < end : minute >= start || minute < end;
}

export function isQuiet(at: Date, timeZone: string, quiet: QuietHours): boolean {
  if (!active(quiet)) return false;
  const local = localParts(at, timeZone);
  return quietAtMinute(local.hour * 60 + local.minute, quiet);
}

/** `at` when texts may go then; otherwise the end of the quiet hours, as an instant. */
export function nextSendableAt(at: Date, timeZone: string, quiet: QuietHours): Date {
  if (!isQuiet(at, timeZone, quiet)) return at;
  return nextLocalTime(at, timeZone, quiet.endMinute);
}

/** When the window open at `at` closes (the next quiet start); null without quiet hours. */
export function nextQuietAt(at: Date, timeZone: string, quiet: QuietHours): Date | null {
  if (!active(quiet)) return null;
  if (isQuiet(at, timeZone, quiet)) return at;
  return nextLocalTime(at, timeZone, quiet.startMinute);
}

/** The first instant after `at` whose local time of day in `timeZone` is `minuteOfDay`. */
function nextLocalTime(at: Date, timeZone: string, minuteOfDay: number): Date {
  const local = localParts(at, timeZone);
  const nowMinute = local.hour * 60 + local.minute;
  const dayOffset = minuteOfDay > nowMinute ? 0 : 1;
  const wallClock = Date.UTC(local.year, local.month - 1, local.day + dayOffset, 0, minuteOfDay);
  return new Date(zonedToInstant(wallClock, timeZone));
}

/** A local wall-clock time (written as if it were UTC) to the instant it names in `timeZone`. */
function zonedToInstant(wallClock: number, timeZone: string): number {
  const first = wallClock - offsetAt(wallClock, timeZone);
  const second = wallClock - offsetAt(first, timeZone);
  return second;
}

/** Local time minus UTC at `instant`, in ms. */
function offsetAt(instant: number, timeZone: string): number {
  const local = localParts(new Date(instant), timeZone);
  const asUtc = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second);
  return Math.round((asUtc - Math.floor(instant / 1000) * 1000) / MINUTE_MS) * MINUTE_MS;
}

interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const formats = new Map<string, Intl.DateTimeFormat>();

function formatOf(timeZone: string): Intl.DateTimeFormat {
  let format = formats.get(timeZone);
  if (!format) {
    const options: Intl.DateTimeFormatOptions = {
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      hourCycle: 'h23',
    };
    try {
      format = new Intl.DateTimeFormat('en-US', { ...options, timeZone });
    } catch {
      // An unknown zone (checked at upload, so a renamed one) is read as UTC rather than stop the wave.
      format = new Intl.DateTimeFormat('en-US', { ...options, timeZone: 'UTC' });
    }
    formats.set(timeZone, format);
  }
  return format;
}

function localParts(at: Date, timeZone: string): LocalParts {
  const parts: Record<string, number> = {};
  for (const part of formatOf(timeZone).formatToParts(at)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return {
    year: parts.year!,
    month: parts.month!,
    day: parts.day!,
    hour: parts.hour! % 24,
    minute: parts.minute!,
    second: parts.second!,
  };
}
