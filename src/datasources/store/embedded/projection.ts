import { Query } from 'mingo';
import type { Document } from './bson';
import { fromMingoError } from './errors';
import { mingoOptions } from './mingoOptions';
import { isPlainObject } from './values';

const matchAll = new Query({}, mingoOptions());

function isSliceOnly(value: unknown): value is { $slice: number | [number, number] } {
  return isPlainObject(value) && Object.keys(value).length === 1 && '$slice' in value;
}

function slice(array: unknown[], spec: number | [number, number]): unknown[] {
  if (Array.isArray(spec)) {
    const [skip, limit] = spec;
    const start = skip < 0 ? Math.max(array.length + skip, 0) : skip;
    return array.slice(start, start + limit);
  }
  return spec >= 0 ? array.slice(0, spec) : array.slice(spec);
}

function sliceAtPath(document: Document, path: string[], spec: number | [number, number]): void {
  const [head, ...rest] = path;
  const value = document[head!];
  if (rest.length === 0) {
    if (Array.isArray(value)) document[head!] = slice(value, spec);
  } else if (isPlainObject(value)) {
    // Copy on the way down: the caller's document stays untouched.
    const copy = { ...value };
    document[head!] = copy;
    sliceAtPath(copy, rest, spec);
  }
}

/**
 * Applies a find projection. mingo handles inclusion, exclusion, $elemMatch and positional
 * projections; a projection made only of $slice fields is handled here because MongoDB treats
 * it as an exclusion projection (every other field stays), where mingo keeps only `_id`.
 */
export function project(document: Document, projection: Document | undefined): Document {
  if (!projection || Object.keys(projection).length === 0) return document;
  const fields = Object.entries(projection).filter(([field]) => field !== '_id');
  if (fields.length > 0 && fields.every(([, value]) => isSliceOnly(value))) {
    const copy = { ...document };
    for (const [field, value] of fields) sliceAtPath(copy, field.split('.'), (value as { $slice: number | [number, number] }).$slice);
    if (projection._id === 0 || projection._id === false) delete copy._id;
    return copy;
  }
  try {
    return matchAll.find([document], projection).next() as Document;
  } catch (error) {
    throw fromMingoError(error);
  }
}
