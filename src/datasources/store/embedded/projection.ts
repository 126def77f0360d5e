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

/** `{ a: 1, b: 1 }` or `{ a: 0 }` on top-level fields, `_id` either way: `inclusive` says which. */
interface FieldProjection {
  inclusive: boolean;
  fields: Set<string>;
  keepId: boolean;
}

const flags = new Map<unknown, boolean>([
  [1, true],
  [true, true],
  [0, false],
  [false, false],
]);

function fieldProjection(projection: Document): FieldProjection | undefined {
  let inclusive: boolean | undefined;
  const fields = new Set<string>();
  for (const field of Object.keys(projection)) {
    const flag = flags.get(projection[field]);
    if (flag === undefined) return undefined;
    if (field === '_id') continue;
    if (field.includes('.') || field.startsWith('$') || (inclusive !== undefined && flag !== inclusive))
      return undefined;
    inclusive = flag;
    fields.add(field);
  }
  const keepId = flags.get(projection._id) !== false;
  // `{ _id: 0 }` alone excludes `_id`; `{ _id: 1 }` alone keeps only `_id`.
  return { inclusive: inclusive ?? keepId, fields, keepId };
}

/** Each projection object is analysed once, not once per document of the cursor. */
const analysed = new WeakMap<Document, FieldProjection | null>();

/**
 * Inclusion or exclusion of top-level fields, by a copy in the document's field order (what
 * the server returns); mingo took ten times as long as reading the document.
 */
function projectFields(document: Document, { inclusive, fields, keepId }: FieldProjection): Document {
  const projected: Document = {};
  for (const field of Object.keys(document)) {
    if (field === '_id' ? keepId : fields.has(field) === inclusive) projected[field] = document[field];
  }
  return projected;
}

/**
 * The fields a projection keeps when it is a top-level inclusion (`_id` among them unless
 * excluded): all a query with it reads, so an index holding them can answer it. Undefined for
 * any other projection.
 */
export function coveredFields(projection: Document | undefined): string[] | undefined {
  if (!projection || Object.keys(projection).length === 0) return undefined;
  let simple = analysed.get(projection);
  if (simple === undefined) analysed.set(projection, (simple = fieldProjection(projection) ?? null));
  if (!simple?.inclusive) return undefined;
  return simple.keepId ? ['_id', ...simple.fields] : [...simple.fields];
}

/**
 * Applies a find projection. Top-level inclusions and exclusions are copied here; mingo handles
 * the rest ($elemMatch, positional and dotted paths). A projection made only of $slice fields
 * is handled here too because MongoDB treats it as an exclusion projection (every other field
 * stays), where mingo keeps only `_id`.
 */
export function project(document: Document, projection: Document | undefined): Document {
  if (!projection || Object.keys(projection).length === 0) return document;
  let simple = analysed.get(projection);
  if (simple === undefined) analysed.set(projection, (simple = fieldProjection(projection) ?? null));
  if (simple) return projectFields(document, simple);
  const fields = Object.entries(projection).filter(([field]) => field !== '_id');
  if (fields.length > 0 && fields.every(([, value]) => isSliceOnly(value))) {
    const copy = { ...document };
    for (const [field, value] of fields)
      sliceAtPath(copy, field.split('.'), (value as { $slice: number | [number, number] }).$slice);
    if (projection._id === 0 || projection._id === false) delete copy._id;
    return copy;
  }
  try {
    return matchAll.find([document], projection).next() as Document;
  } catch (error) {
    throw fromMingoError(error);
  }
}
