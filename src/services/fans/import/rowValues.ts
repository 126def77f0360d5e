import type { ImportRow } from './importRows';

/** A field of a row that cannot be imported, named. */
export class RowError extends Error {
  constructor(field: string, message: string) {
    super(`${field}: ${message}`);
    this.name = 'RowError';
  }
}

const blank = (value: unknown) => value === undefined || value === null || (typeof value === 'string' && !value.trim());

/** Trimmed text; null when blank. */
export function optionalText(row: ImportRow, field: string, max = 1000): string | null {
  const value = row.get(field);
  if (blank(value)) return null;
  if (typeof value !== 'string' && typeof value !== 'number') throw new RowError(field, 'not text');
  const text = String(value).trim();
  if (text.length > max) throw new RowError(field, `at most ${max} characters`);
  return text;
}

export function text(row: ImportRow, field: string, max?: number): string {
  const value = optionalText(row, field, max);
  if (value === null) throw new RowError(field, 'required');
  return value;
}

/** An instant: milliseconds since the epoch, or ISO 8601 text. */
export function optionalDate(row: ImportRow, field: string): Date | null {
  const value = row.get(field);
  if (blank(value)) return null;
  const date =
    typeof value === 'number' || (typeof value === 'string' && /^\d+$/.test(value.trim()))
      ? new Date(Number(value))
      : typeof value === 'string'
        ? new Date(value.trim())
        : new Date(Number.NaN);
  if (Number.isNaN(date.getTime())) throw new RowError(field, `${JSON.stringify(value)} is not a date`);
  return date;
}

export function date(row: ImportRow, field: string): Date {
  const value = optionalDate(row, field);
  if (value === null) throw new RowError(field, 'required');
  return value;
}

export function optionalNumber(row: ImportRow, field: string): number | null {
  const value = row.get(field);
  if (blank(value)) return null;
  const number = typeof value === 'number' ? value : typeof value === 'string' ? Number(value.trim()) : Number.NaN;
  if (!Number.isFinite(number)) throw new RowError(field, `${JSON.stringify(value)} is not a number`);
  return number;
}

const TRUE = new Set(['true', '1', 'yes']);
const FALSE = new Set(['false', '0', 'no']);

export function optionalBoolean(row: ImportRow, field: string): boolean | null {
  const value = row.get(field);
  if (blank(value)) return null;
  if (typeof value === 'boolean') return value;
  const word = String(value).trim().toLowerCase();
  if (TRUE.has(word)) return true;
  if (FALSE.has(word)) return false;
  throw new RowError(field, `${JSON.stringify(value)} is not true or false`);
}

/** A list: a JSON array, or in CSV `a|b|c` (or a JSON array in the cell); blanks dropped. */
export function list(row: ImportRow, field: string): string[] {
  const value = row.get(field);
  if (blank(value)) return [];
  const items = Array.isArray(value) ? value : typeof value === 'string' ? splitCell(field, value.trim()) : null;
  if (!items || items.some((item) => typeof item !== 'string' && typeof item !== 'number')) {
    throw new RowError(field, 'a list of text (a JSON array, or a|b|c in CSV)');
  }
  return items.map((item) => String(item).trim()).filter(Boolean);
}

function splitCell(field: string, cell: string): unknown[] {
  if (!cell.startsWith('[')) return cell.split('|');
  const parsed = json(field, cell);
  if (!Array.isArray(parsed)) throw new RowError(field, 'not a JSON array');
  return parsed;
}

/** A structured field: the JSON value itself (NDJSON), or JSON text in a CSV cell. */
export function structured(row: ImportRow, field: string): unknown {
  const value = row.get(field);
  return typeof value === 'string' ? json(field, value) : value;
}

function json(field: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new RowError(field, 'not valid JSON');
  }
}

/** One of `values` (upper-cased), or `fallback` when blank. */
export function choice<T extends string>(row: ImportRow, field: string, values: readonly T[], fallback: T): T {
  const value = optionalText(row, field);
  if (value === null) return fallback;
  const upper = value.toUpperCase() as T;
  if (!values.includes(upper)) throw new RowError(field, `one of ${values.join(', ')} (got ${JSON.stringify(value)})`);
  return upper;
}
