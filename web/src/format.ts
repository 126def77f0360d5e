const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const decimal = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });
const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const time = new Intl.DateTimeFormat(undefined, { timeStyle: 'medium' });

/** 12,345 */
export const count = (value: number | null | undefined): string => (value == null ? '–' : integer.format(value));

/** 1,234.56 */
export const amount = (value: number | null | undefined): string => (value == null ? '–' : decimal.format(value));

/** A ratio in [0, 1] as a percentage: 0.1234 -> 12.3 % */
export const rate = (value: number | null | undefined): string =>
  value == null ? '–' : `${(value * 100).toFixed(1)} %`;

/** A value that already is a percentage (the tracking ratios): 1.234 -> 1.23 % */
export const percent = (value: number | null | undefined): string => (value == null ? '–' : `${value.toFixed(2)} %`);

/** A date-time in the reader's time zone. */
export const when = (iso: string | null | undefined): string => (iso ? dateTime.format(new Date(iso)) : '–');

/** The time of day, to the second (when a live figure last changed). */
export const clock = (at: Date): string => time.format(at);

/** A UTC day (YYYY-MM-DD) of an ISO instant. */
export const utcDay = (iso: string): string => iso.slice(0, 10);

/** 0 s, 45 s, 12 min, 3 h 5 min, 2 d 4 h */
export function duration(seconds: number | null | undefined): string {
  if (seconds == null) return '–';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  const minutes = Math.floor(s / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

/** A UTC day `days` before today, as YYYY-MM-DD. */
export function daysAgo(days: number, now = new Date()): string {
  return new Date(now.getTime() - days * 86_400_000).toISOString().slice(0, 10);
}

/** Sentence case for enum values: SENDING -> Sending, POSITIVE_REPLY -> Positive reply */
export function label(value: string | null | undefined): string {
  if (!value) return '–';
  const words = value.toLowerCase().replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}
