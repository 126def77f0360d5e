import type { Document } from 'bson';

/** One secondary index as the embedded engine keeps it. `_id_` is implicit (the documents table). */
export interface IndexSpec {
  name: string;
  /** Prefix of every entry of this index in the index table. */
  id: number;
  key: Array<[field: string, direction: 1 | -1]>;
  unique: boolean;
  sparse: boolean;
  partialFilterExpression?: Document;
  expireAfterSeconds?: number;
  /** Set once any document had an array in an indexed field: such an index cannot provide sort order. */
  multikey: boolean;
}

export interface CollectionEntry {
  name: string;
  /** Prefix of every document of this collection in the documents table. */
  id: number;
  indexes: IndexSpec[];
}

/** A read-only view: reads run `pipeline` over `viewOn` (a collection or another view). */
export interface ViewDefinition {
  viewOn: string;
  pipeline: Document[];
}

/** The whole catalog, kept as one BSON document in the meta table and versioned. */
export interface CatalogData {
  version: number;
  nextId: number;
  collections: Record<string, CollectionEntry>;
  /** Absent in catalogs written before views existed. */
  views?: Record<string, ViewDefinition>;
}

export function emptyCatalog(): CatalogData {
  return { version: 0, nextId: 1, collections: {} };
}

const prefixes = new Map<number, Buffer>();

/**
 * Four big-endian bytes: the table prefix of a collection or an index. Built once per id and
 * shared (callers only concatenate it), as every key of every write starts with one.
 */
export function prefixOf(id: number): Buffer {
  let prefix = prefixes.get(id);
  if (!prefix) {
    prefix = Buffer.alloc(4);
    prefix.writeUInt32BE(id);
    prefixes.set(id, prefix);
  }
  return prefix;
}

/** Default index name as MongoDB builds it: `a_1_b_-1`. */
export function defaultIndexName(key: Array<[string, 1 | -1]>): string {
  return key.map(([field, direction]) => `${field}_${direction}`).join('_');
}

/** Normalizes `{a: 1, b: -1}` (or `[['a', 1]]`, or `'a'`) into ordered pairs; rejects special index types. */
export function normalizeIndexKey(spec: unknown): Array<[string, 1 | -1]> {
  let pairs: Array<[string, unknown]>;
  if (typeof spec === 'string') pairs = [[spec, 1]];
  else if (Array.isArray(spec)) {
    pairs = spec.map((entry) => (Array.isArray(entry) ? [String(entry[0]), entry[1]] : [String(entry), 1]));
  } else if (spec && typeof spec === 'object') pairs = Object.entries(spec as Record<string, unknown>);
  else throw new TypeError('index key must be an object like { field: 1 }');
  if (pairs.length === 0) throw new TypeError('index key must name at least one field');
  return pairs.map(([field, direction]) => {
    if (direction === 1 || direction === -1) return [field, direction];
    throw new UnsupportedIndexError(field, direction);
  });
}

export class UnsupportedIndexError extends Error {
  constructor(field: string, direction: unknown) {
    super(
      `the embedded store supports ascending (1) and descending (-1) indexes only, not ${JSON.stringify(direction)} on '${field}'`,
    );
  }
}

/** Index options that must match for createIndex to be a no-op on an existing index of that name. */
export function sameIndexDefinition(a: IndexSpec, b: Omit<IndexSpec, 'id' | 'multikey'>): boolean {
  return (
    JSON.stringify(a.key) === JSON.stringify(b.key) &&
    a.unique === b.unique &&
    a.sparse === b.sparse &&
    a.expireAfterSeconds === b.expireAfterSeconds &&
    JSON.stringify(a.partialFilterExpression ?? null) === JSON.stringify(b.partialFilterExpression ?? null)
  );
}
