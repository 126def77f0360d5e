import { deserialize } from './bson';
import {
  defaultIndexName,
  normalizeIndexKey,
  prefixOf,
  sameIndexDefinition,
  type CollectionEntry,
  type IndexSpec,
} from './catalog';
import type { Engine } from './engine';
import { badValue, duplicateKeyError, indexNotFound, indexOptionsConflict, serverError } from './errors';
import { indexEntries } from './indexKeys';
import { refuseView } from './views';
import { entryKey, namespaceOf } from './writes';
import type { CreateIndexesOptions, IndexDescriptionInfo } from '../port';

/** The definition createIndex asks for, checked like the server checks it. */
export function indexDefinition(
  keySpec: unknown,
  options: CreateIndexesOptions = {},
): Omit<IndexSpec, 'id' | 'multikey'> {
  let key: IndexSpec['key'];
  try {
    key = normalizeIndexKey(keySpec);
  } catch (error) {
    throw serverError(67, 'CannotCreateIndex', (error as Error).message);
  }
  const definition: Omit<IndexSpec, 'id' | 'multikey'> = {
    name: options.name ?? defaultIndexName(key),
    key,
    unique: options.unique === true,
    sparse: options.sparse === true,
  };
  if (options.partialFilterExpression !== undefined)
    definition.partialFilterExpression = options.partialFilterExpression;
  if (options.expireAfterSeconds !== undefined) {
    if (!Number.isFinite(options.expireAfterSeconds) || options.expireAfterSeconds < 0) {
      throw badValue("TTL index 'expireAfterSeconds' option must be a non-negative number");
    }
    if (key.length !== 1)
      throw serverError(
        67,
        'CannotCreateIndex',
        'TTL indexes are single-field indexes, compound indexes do not support TTL',
      );
    definition.expireAfterSeconds = options.expireAfterSeconds;
  }
  if (definition.name === '_id_') throw badValue("The index name '_id_' is reserved for the _id index");
  return definition;
}

/** Adds every existing document's entries to a new index, enforcing uniqueness as it goes. */
export function buildIndex(engine: Engine, collection: CollectionEntry, spec: IndexSpec): void {
  for (const { key, value } of engine.docs.getRange({
    start: prefixOf(collection.id),
    end: prefixOf(collection.id + 1),
  })) {
    const document = deserialize(value);
    const idKey = Buffer.from(key.subarray(4));
    const { keys, multikey } = indexEntries(spec, document);
    if (multikey) spec.multikey = true;
    for (const component of keys) {
      const entry = entryKey(spec, component, idKey);
      const holder = spec.unique ? engine.index.get(entry) : undefined;
      if (holder !== undefined && !holder.equals(idKey))
        throw duplicateKeyError(namespaceOf(engine, collection), spec, document);
      engine.index.putSync(entry, idKey);
    }
  }
}

/** Inside the write transaction: creates the index if it does not exist; the same definition again is a no-op. */
export function createIndexInTxn(
  engine: Engine,
  collectionName: string,
  definition: Omit<IndexSpec, 'id' | 'multikey'>,
): string {
  return engine.atomic(() => {
    refuseView(engine, collectionName, 'Cannot create indexes on a view');
    const collection = engine.ensureCollection(collectionName);
    const existing = collection.indexes.find((spec) => spec.name === definition.name);
    if (existing) {
      if (!sameIndexDefinition(existing, definition)) throw indexOptionsConflict(definition.name);
      return existing.name;
    }
    const sameKey = collection.indexes.find((spec) => JSON.stringify(spec.key) === JSON.stringify(definition.key));
    if (sameKey && !sameIndexDefinition(sameKey, { ...definition, name: sameKey.name })) {
      throw serverError(
        86,
        'IndexKeySpecsConflict',
        `An existing index has the same key pattern but different options: ${sameKey.name}`,
      );
    }
    if (sameKey) return sameKey.name;
    const spec: IndexSpec = { ...definition, id: engine.allocateId(), multikey: false };
    buildIndex(engine, collection, spec);
    collection.indexes.push(spec);
    engine.saveCatalog();
    return spec.name;
  });
}

/** Creates the index if it does not exist; the same definition again is a no-op. */
export function createIndex(
  engine: Engine,
  collectionName: string,
  definition: Omit<IndexSpec, 'id' | 'multikey'>,
): Promise<string> {
  return engine.write({ kind: 'createIndex', collection: collectionName, definition });
}

/** Inside the write transaction: removes an index and its entries. */
export function dropIndexInTxn(engine: Engine, collectionName: string, name: string): void {
  const collection = engine.collectionEntry(collectionName);
  refuseView(engine, collectionName);
  const spec = collection?.indexes.find((candidate) => candidate.name === name);
  if (!collection || !spec) throw indexNotFound(name);
  removeIndexEntries(engine, spec);
  collection.indexes = collection.indexes.filter((candidate) => candidate !== spec);
  engine.saveCatalog();
}

/** Removes an index and its entries. */
export async function dropIndex(engine: Engine, collectionName: string, name: string): Promise<void> {
  await engine.write({ kind: 'dropIndex', collection: collectionName, name });
}

export function removeIndexEntries(engine: Engine, spec: IndexSpec): void {
  // Collected first: removing entries while a cursor walks them would skip some.
  const keys = [...engine.index.getKeys({ start: prefixOf(spec.id), end: prefixOf(spec.id + 1) })];
  for (const key of keys) engine.index.removeSync(key as Buffer);
}

/** listIndexes output, `_id_` first, in the server's shape. */
export function listIndexes(engine: Engine, collectionName: string): Array<IndexDescriptionInfo & { name: string }> {
  engine.refreshCatalog();
  const collection = engine.collectionEntry(collectionName);
  if (!collection) return [];
  return [
    { v: 2, key: { _id: 1 }, name: '_id_' },
    ...collection.indexes.map((spec) => ({
      v: 2,
      key: Object.fromEntries(spec.key),
      name: spec.name,
      ...(spec.unique ? { unique: true } : {}),
      ...(spec.sparse ? { sparse: true } : {}),
      ...(spec.partialFilterExpression ? { partialFilterExpression: spec.partialFilterExpression } : {}),
      ...(spec.expireAfterSeconds !== undefined ? { expireAfterSeconds: spec.expireAfterSeconds } : {}),
    })),
  ];
}
