import type { Document } from './bson';
import type { IndexSpec } from './catalog';
import { componentLimit, storedKey } from './longKeys';
import { filterMatcher } from './query';
import { cannotIndexParallelArrays } from './errors';
import { valuesAtPath } from './paths';

/** A value with no field at the path: sparse indexes skip documents where every field is missing. */
function isMissing(document: Document, path: string): boolean {
  const { values } = valuesAtPath(document, path);
  return values.every((value) => value === undefined);
}

const partialFilters = new WeakMap<Document, (document: Document) => boolean>();

/** Whether a document belongs in a partial index, tested as any filter is (query.ts). */
function matchesPartialFilter(spec: IndexSpec, document: Document): boolean {
  const expression = spec.partialFilterExpression;
  if (!expression) return true;
  let matches = partialFilters.get(expression);
  if (!matches) {
    matches = filterMatcher(expression);
    partialFilters.set(expression, matches);
  }
  return matches(document);
}

/** The value of a top-level field, when neither it nor its path involves an array. */
function isScalarField(document: Document, field: string): boolean {
  return !field.includes('.') && !Array.isArray(document[field]);
}

export interface IndexEntries {
  /** Stored key components (without the index prefix and the _id suffix), one per index entry. */
  keys: Buffer[];
  /** Whether an array was expanded: the index becomes multikey. */
  multikey: boolean;
}

/** The entries a document contributes to an index: none when sparse or partial excludes it. */
export function indexEntries(spec: IndexSpec, document: Document): IndexEntries {
  if (!matchesPartialFilter(spec, document)) return { keys: [], multikey: false };
  if (spec.sparse && spec.key.every(([field]) => isMissing(document, field))) {
    return { keys: [], multikey: false };
  }
  const limit = componentLimit(spec.key.length);
  if (spec.key.every(([field]) => isScalarField(document, field))) {
    // The common case: top-level fields without arrays, so exactly one entry.
    const parts = spec.key.map(([field, direction]) => storedKey(document[field], direction === -1, limit));
    return { keys: [parts.length === 1 ? parts[0]! : Buffer.concat(parts)], multikey: false };
  }
  let keys: Buffer[] = [Buffer.alloc(0)];
  let arrayField: string | undefined;
  for (const [field, direction] of spec.key) {
    const { values, viaArray } = valuesAtPath(document, field);
    if (viaArray) {
      if (arrayField !== undefined) throw cannotIndexParallelArrays(arrayField, field);
      arrayField = field;
    }
    const encoded = dedupe(values.map((value) => storedKey(value, direction === -1, limit)));
    keys = keys.flatMap((prefix) => encoded.map((component) => Buffer.concat([prefix, component])));
  }
  return { keys, multikey: arrayField !== undefined };
}

function dedupe(keys: Buffer[]): Buffer[] {
  if (keys.length < 2) return keys;
  const seen = new Map<string, Buffer>();
  for (const key of keys) seen.set(key.toString('latin1'), key);
  return [...seen.values()];
}
