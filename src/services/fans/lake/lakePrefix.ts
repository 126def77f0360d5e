import { badInput } from '../../../errors';

/** A lake prefix a merge or verification covers: one UTC day or one UTC month. */
export interface LakePeriod {
  /** `YYYY/MM/DD` or `YYYY/MM`. */
  prefix: string;
  kind: 'DAY' | 'MONTH';
  /** First instant of the period (UTC). */
  from: Date;
  /** First instant after it. */
  to: Date;
}

const PREFIX = /^(\d{4})\/(\d{2})(?:\/(\d{2}))?$/;

/** Reads `YYYY/MM/DD` or `YYYY/MM` (surrounding slashes ignored); BAD_USER_INPUT naming `field`. */
export function parseLakePrefix(value: string, field = 'prefix'): LakePeriod {
  const prefix = value.trim().replace(/^\/+|\/+$/g, '');
  const match = PREFIX.exec(prefix);
  const year = Number(match?.[1]);
  const month = Number(match?.[2]);
  const day = match?.[3] === undefined ? null : Number(match[3]);
  const from = new Date(Date.UTC(year, month - 1, day ?? 1));
  const valid =
    match !== null &&
    month >= 1 &&
    month <= 12 &&
    from.getUTCMonth() === month - 1 &&
    (day === null || from.getUTCDate() === day);
  if (!valid) throw badInput(`${field}: YYYY/MM/DD (a day) or YYYY/MM (a month), got ${JSON.stringify(value)}`, field);
  const to = day === null ? new Date(Date.UTC(year, month, 1)) : new Date(Date.UTC(year, month - 1, day + 1));
  return { prefix, kind: day === null ? 'MONTH' : 'DAY', from, to };
}

const pad = (n: number) => String(n).padStart(2, '0');

/** The UTC day or month before the one `at` falls in: what the daily and monthly merges take. */
export function previousPeriod(kind: 'DAY' | 'MONTH', at: Date): LakePeriod {
  const before =
    kind === 'DAY'
      ? new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate() - 1))
      : new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() - 1, 1));
  const month = `${before.getUTCFullYear()}/${pad(before.getUTCMonth() + 1)}`;
  return parseLakePrefix(kind === 'DAY' ? `${month}/${pad(before.getUTCDate())}` : month);
}

/** The `YYYY/MM/DD` of an instant (UTC). */
export const dayPrefixOf = (ms: number) => {
  const at = new Date(ms);
  return `${at.getUTCFullYear()}/${pad(at.getUTCMonth() + 1)}/${pad(at.getUTCDate())}`;
};
