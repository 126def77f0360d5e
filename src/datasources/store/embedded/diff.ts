import type { Document } from './bson';
import { encodeKey } from './keyCodec';
import type { UpdateDescription } from './oplog';
import { isPlainObject } from './values';

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined) return false;
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
    for (const [field, value] of Object.entries(next)) {
      const path = prefix + field;
      const old = previous[field];
      if (isPlainObject(old) && isPlainObject(value)) walk(old, value, `${path}.`);
      else if (!sameValue(old, value) || !(field in previous)) updatedFields[path] = value;
    }
    for (const field of Object.keys(previous)) {
      if (!(field in next)) removedFields.push(prefix + field);
    }
  };
  walk(before, after, '');
  return { updatedFields, removedFields, truncatedArrays: [] };
}
