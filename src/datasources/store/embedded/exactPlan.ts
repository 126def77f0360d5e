import type { Document } from './bson';
import { typeTag } from './keyCodec';
import type { Candidate, FieldPredicate } from './planner';
import { isPlainObject } from './values';

/** Whether an index plan answers a filter exactly, so that documents read through it need no test. */

/**
 * Values whose index encoding is equal exactly when MongoDB calls them equal (unlike Long and
 * Decimal128, encoded as doubles, or null, which also matches missing fields).
 */
export function isExactScalar(value: unknown): boolean {
  if (typeof value === 'string' || typeof value === 'boolean' || value instanceof Date) return true;
  if (typeof value === 'number') return !Number.isNaN(value);
  return (value as { _bsontype?: string } | null)?._bsontype === 'ObjectId';
}

/**
 * `'x'`, `{ $eq: 'x' }` or `{ $in: ['x', 'y'] }` on exact scalars (and null, when `nulls`): an
 * index point answers it exactly.
 */
function isExactCondition(condition: unknown, nulls: boolean): boolean {
  const exact = nulls ? (value: unknown) => value === null || isExactScalar(value) : isExactScalar;
  if (exact(condition)) return true;
  if (!isPlainObject(condition) || Object.keys(condition).length !== 1) return false;
  if ('$eq' in condition) return exact(condition.$eq);
  return Array.isArray(condition.$in) && condition.$in.length > 0 && condition.$in.every(exact);
}

/**
 * `{ $gt: a, $lte: b }`: at most one lower and one upper bound, exact scalars of one type, so
 * that the range's bounds (rangeSuffix) are exactly the condition. An index entry within them
 * comes from a value (or an array element) that meets every bound.
 */
function isExactRange(condition: unknown, range: FieldPredicate): boolean {
  if (!isPlainObject(condition)) return false;
  const operators = Object.keys(condition);
  const lower = operators.filter((op) => op === '$gt' || op === '$gte').length;
  const upper = operators.filter((op) => op === '$lt' || op === '$lte').length;
  if (operators.length === 0 || lower > 1 || upper > 1 || lower + upper !== operators.length) return false;
  if ((lower > 0 && !range.lower) || (upper > 0 && !range.upper)) return false;
  const values = operators.map((op) => condition[op]);
  return values.every(isExactScalar) && values.every((value) => typeTag(value) === typeTag(values[0]));
}

/**
 * A condition whose JSON text tells it apart from any other: strings, booleans, numbers, or
 * operators on them (an ObjectId and its hex string, or NaN and null, write the same JSON).
 */
function isJsonExact(condition: unknown): boolean {
  const scalar = (value: unknown) =>
    typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));
  return scalar(condition) || (isPlainObject(condition) && Object.values(condition).every(scalar));
}

/**
 * Whether every entry in the plan's bounds matches the filter, so that documents need no test
 * against it: each filter field is an exact equality or $in on the index's equality prefix, an
 * exact range on the next field, or a condition of a partial index's filter. (mingo tests $in
 * by a linear search, which made large $in lists quadratic.)
 *
 * With `nullsExact`, an equality to null on a top-level field is exact too when the index is
 * neither sparse nor multikey: its null key then holds exactly the documents where the field is
 * null or missing, which is what `{ field: null }` matches (an empty array, which it does not
 * match, is also stored under null, and makes the index multikey).
 */
export function isExact(filter: Document, candidate: Candidate, nullsExact = false): boolean {
  const prefix = new Set(candidate.spec.key.slice(0, candidate.equalityCount).map(([field]) => field));
  const rangeField = candidate.range ? candidate.spec.key[candidate.equalityCount]![0] : undefined;
  const partial = candidate.spec.partialFilterExpression;
  const nulls = nullsExact && !candidate.spec.multikey && !candidate.spec.sparse;
  return Object.entries(filter).every(([field, condition]) => {
    if (prefix.has(field)) return isExactCondition(condition, nulls && !field.includes('.'));
    if (field === rangeField) return isExactRange(condition, candidate.range!);
    // A condition of the partial filter itself: every entry of the index meets it.
    if (partial === undefined || !(field in partial)) return false;
    return (
      isJsonExact(condition) &&
      isJsonExact(partial[field]) &&
      JSON.stringify(partial[field]) === JSON.stringify(condition)
    );
  });
}
