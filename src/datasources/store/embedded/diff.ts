import type { Document } from './bson';
import { encodeKey } from './keyCodec';
import type { UpdateDescription } from './oplog';
import { isPlainObject } from './values';

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    return (
      Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((element, i) => sameValue(element, b[i]))
    );
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((key) => key in b && sameValue(a[key], b[key]));
  }
  // BSON values (Date, ObjectId, Decimal128, ...): equal when their encodings are.
  return encodeKey(a).equals(encodeKey(b));
}

/**
 * What an update changed, as a change stream's updateDescription: changed or added fields by
 * dotted path (descending into sub-documents that exist on both sides; arrays compare whole),
 * and removed fields.
 */
export function describeUpdate(before: Document, after: Document): UpdateDescription {
  const updatedFields: Document = {};
  const removedFields: string[] = [];
  const walk = (previous: Document, next: Document, prefix: string): void => {
    // Key loops rather than Object.entries: this runs for every update, and the pairs cost.
    for (const field of Object.keys(next)) {
      const value = next[field];
      const old = previous[field];
      // The same object on both sides (fast updates copy only the top level): unchanged.
      if (old === value && field in previous) continue;
      if (isPlainObject(old) && isPlainObject(value)) walk(old, value, `${prefix + field}.`);
      else if (!sameValue(old, value) || !(field in previous)) updatedFields[prefix + field] = value;
    }
    for (const field of Object.keys(previous)) {
      if (!(field in next)) removedFields.push(prefix + field);
    }
  };
  walk(before, after, '');
  return { updatedFields, removedFields, truncatedArrays: [] };
}
