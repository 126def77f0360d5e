import type { Document } from './bson';

/** Sort specification as ordered (field, direction) pairs. */
export type SortPairs = Array<[field: string, direction: 1 | -1]>;

/** A plain object (a sub-document), as opposed to arrays, dates and BSON values. */
export function isPlainObject(value: unknown): value is Document {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** `{ $gt: 1, $lt: 5 }`: an object of query operators rather than a sub-document to match. */
export function isOperatorObject(value: Document): boolean {
  const keys = Object.keys(value);
  return keys.length > 0 && keys.every((key) => key.startsWith('$'));
}

function direction(value: unknown, field: string): 1 | -1 {
  if (value === 1 || value === 'asc' || value === 'ascending') return 1;
  if (value === -1 || value === 'desc' || value === 'descending') return -1;
  throw new TypeError(`invalid sort direction ${JSON.stringify(value)} for '${field}'`);
}

/** Accepts every sort form the driver accepts: `{a: 1}`, `[['a', -1]]`, `['a', 'b']`, `'a'`, a Map. */
export function normalizeSort(sort: unknown): SortPairs {
  if (sort === undefined || sort === null) return [];
  if (typeof sort === 'string') return [[sort, 1]];
  if (sort instanceof Map)
    return [...sort.entries()].map(([field, value]) => [String(field), direction(value, String(field))]);
  if (Array.isArray(sort)) {
    if (sort.length === 2 && typeof sort[0] === 'string' && !Array.isArray(sort[1]) && typeof sort[1] !== 'string') {
      return [[sort[0], direction(sort[1], sort[0])]];
    }
    return sort.map((entry) =>
      Array.isArray(entry) ? [String(entry[0]), direction(entry[1], String(entry[0]))] : [String(entry), 1],
    );
  }
  if (typeof sort === 'object') {
    return Object.entries(sort as Document).map(([field, value]) => [field, direction(value, field)]);
  }
  throw new TypeError('invalid sort specification');
}
