import { ObjectId } from 'bson';
import { deserialize, serialize, type Document } from './bson';
import { patchedBytes } from './bsonPatch';
import { prefixOf, type CollectionEntry, type IndexSpec } from './catalog';
import type { Engine } from './engine';
import { duplicateKeyError, serverError } from './errors';
import { indexEntries } from './indexKeys';
import { entryIdSuffix, storedIdKey } from './longKeys';
import { appendOplog, type UpdateDescription } from './oplog';
import { isPlainObject } from './values';

/**
 * The three storage primitives every write is made of. Each runs inside the engine's write
 * transaction and checks everything (unique indexes) before it writes anything, so a document,
 * its index entries and its oplog entry change together or not at all.
 */

export interface StoredDocument {
  document: Document;
  bytes: Buffer;
  idKey: Buffer;
}

export function namespaceOf(engine: Engine, collection: CollectionEntry): string {
  return `${engine.options.dbName}.${collection.name}`;
}

function docKey(collection: CollectionEntry, idKey: Buffer): Buffer {
  return Buffer.concat([prefixOf(collection.id), idKey]);
}

/**
 * Key of an index entry. A unique index holds one entry per key value (its value: the _id), so
 * a lookup or a uniqueness check is one `get`; other indexes hold one entry per (value, _id).
 */
export function entryKey(spec: IndexSpec, component: Buffer, idKey: Buffer): Buffer {
  if (spec.unique) return Buffer.concat([prefixOf(spec.id), component]);
  return Buffer.concat([prefixOf(spec.id), component, entryIdSuffix(idKey)]);
}

/** Throws E11000 when another document already holds one of these keys in a unique index. */
function checkUnique(
  engine: Engine,
  collection: CollectionEntry,
  spec: IndexSpec,
  keys: Buffer[],
  idKey: Buffer,
  document: Document,
): void {
  for (const key of keys) {
    const holder = engine.index.get(entryKey(spec, key, idKey));
    if (holder !== undefined && !holder.equals(idKey))
      throw duplicateKeyError(namespaceOf(engine, collection), spec, document);
  }
}

function markMultikey(engine: Engine, spec: IndexSpec): void {
  if (spec.multikey) return;
  spec.multikey = true;
  engine.saveCatalog();
}

interface IndexChange {
  spec: IndexSpec;
  add: Buffer[];
  remove: Buffer[];
}

/** True when no field of the index changed at the top level (same primitive, or both absent). */
function untouched(spec: IndexSpec, before: Document, after: Document): boolean {
  for (const [field] of spec.key) {
    const dot = field.indexOf('.');
    const top = dot === -1 ? field : field.slice(0, dot);
    const old = before[top];
    if (old !== after[top] || (old !== null && old !== undefined && typeof old === 'object')) return false;
  }
  return true;
}

/** Index entries to add and remove when a document goes from `before` to `after` (either may be absent). */
function planIndexChanges(
  engine: Engine,
  collection: CollectionEntry,
  idKey: Buffer,
  before: Document | undefined,
  after: Document | undefined,
): IndexChange[] {
  const changes: IndexChange[] = [];
  for (const spec of collection.indexes) {
    if (before && after && !spec.partialFilterExpression && untouched(spec, before, after)) continue;
    const oldKeys = before ? indexEntries(spec, before).keys : [];
    const next = after ? indexEntries(spec, after) : { keys: [], multikey: false };
    const { add, remove } = diffKeys(oldKeys, next.keys);
    if (spec.unique && after) checkUnique(engine, collection, spec, add, idKey, after);
    if (next.multikey) markMultikey(engine, spec);
    if (add.length > 0 || remove.length > 0) changes.push({ spec, add, remove });
  }
  return changes;
}

/** Entries to add and to remove; an insert or a delete (one side empty) needs no comparison. */
function diffKeys(oldKeys: Buffer[], newKeys: Buffer[]): { add: Buffer[]; remove: Buffer[] } {
  if (oldKeys.length === 0 || newKeys.length === 0) return { add: newKeys, remove: oldKeys };
  // One entry before and after (an index without arrays): the same key, or one swapped for the other.
  if (oldKeys.length === 1 && newKeys.length === 1) {
    return oldKeys[0]!.equals(newKeys[0]!) ? { add: [], remove: [] } : { add: newKeys, remove: oldKeys };
  }
  const oldSet = new Set(oldKeys.map((key) => key.toString('latin1')));
  const newSet = new Set(newKeys.map((key) => key.toString('latin1')));
  return {
    add: newKeys.filter((key) => !oldSet.has(key.toString('latin1'))),
    remove: oldKeys.filter((key) => !newSet.has(key.toString('latin1'))),
  };
}

function applyIndexChanges(engine: Engine, idKey: Buffer, changes: IndexChange[]): void {
  for (const { spec, add, remove } of changes) {
    for (const key of remove) engine.index.removeSync(entryKey(spec, key, idKey));
    for (const key of add) engine.index.putSync(entryKey(spec, key, idKey), idKey);
  }
}

/**
 * Puts a document whose key is not stored yet; false (and nothing written) when it is. lmdb-js
 * returns whether the put was made, which its README documents and its typings omit.
 */
function putNew(engine: Engine, key: Buffer, bytes: Buffer): boolean {
  const put = engine.docs.putSync as unknown as (
    key: Buffer,
    value: Buffer,
    options: { noOverwrite: boolean },
  ) => boolean;
  return put.call(engine.docs, key, bytes, { noOverwrite: true });
}

/** ObjectIds this process generated for inserts not yet made: no stored document holds them. */
const generatedIds = new WeakSet<object>();

/**
 * Documents of inserts encoded when the call was made, as the driver encodes a command when it
 * sends it: the transaction then only writes them. A document that cannot be encoded is left to
 * fail inside the transaction, where its error is that one operation's.
 */
const encodedInserts = new WeakMap<Document, Buffer>();

/**
 * A document withId prepared, handed to the writer thread: its encoding, and whether its `_id`
 * was generated for it (consumed here, so the same object inserted again is checked).
 */
export function preparedInsert(document: Document): { bytes: Buffer; generated: boolean } | undefined {
  const bytes = encodedInserts.get(document);
  if (!bytes) return undefined;
  encodedInserts.delete(document);
  const id: unknown = document._id;
  return { bytes, generated: typeof id === 'object' && id !== null && generatedIds.delete(id) };
}

/** On the writer thread: a prepared insert decoded, and prepared again as withId left it. */
export function decodedInsert(bytes: Buffer, generated: boolean): Document {
  const document = deserialize(bytes);
  if (generated) generatedIds.add(document._id);
  encodedInserts.set(document, bytes);
  return document;
}

/**
 * Gives the document an ObjectId `_id` when it has none and puts `_id` first, as the server
 * stores it, and encodes it for the insert to come.
 */
export function withId(document: Document): Document {
  if (assignId(document)) generatedIds.add(document._id);
  const prepared = idFirst(document);
  try {
    encodedInserts.set(prepared, serialize(prepared));
  } catch {
    // encoded again, and refused, by the insert itself
  }
  return prepared;
}

/**
 * Sets a new ObjectId `_id` on a document that has none; true when it did. An insert's `null`
 * `_id` is replaced, as the driver replaces it; an upsert keeps it, as the server does.
 */
function assignId(document: Document, keepNull = false): boolean {
  if (document._id !== undefined && (document._id !== null || keepNull)) return false;
  // The driver sets _id on the caller's object too, so insertedId matches what the caller holds.
  document._id = new ObjectId();
  return true;
}

/**
 * The document with `_id` as its first field: itself when it already is, else a copy by keys
 * rather than rest destructuring, which V8 runs in a slow generic path.
 */
export function idFirst(document: Document): Document {
  if (startsWithId(document)) return document;
  const ordered: Document = { _id: document._id };
  for (const key of Object.keys(document)) if (key !== '_id') ordered[key] = document[key];
  return ordered;
}

/** Whether `_id` is already the first field (a document from withId, or built so by the caller). */
function startsWithId(document: Document): boolean {
  for (const key in document) return key === '_id';
  return false;
}

/** MongoDB stores no `$`-prefixed field name inside an `_id`, however deep. */
function checkIdField(id: unknown): void {
  if (Array.isArray(id)) {
    for (const element of id) checkIdField(element);
    return;
  }
  if (!isPlainObject(id)) return;
  for (const [name, value] of Object.entries(id)) {
    if (name.startsWith('$')) {
      const message = `_id fields may not contain '$'-prefixed fields: ${name} is not valid for storage.`;
      throw serverError(52, 'DollarPrefixedFieldName', message);
    }
    checkIdField(value);
  }
}

export function insertDocument(
  engine: Engine,
  collection: CollectionEntry,
  input: Document,
  upserted = false,
): StoredDocument {
  const generated = assignId(input, upserted);
  const document = idFirst(input);
  if (!generated) checkIdField(document._id);
  const takenId = () =>
    duplicateKeyError(namespaceOf(engine, collection), { name: '_id_', key: [['_id', 1]] }, document);
  if (Array.isArray(document._id)) throw takenId();
  const idKey = storedIdKey(document._id);
  const key = docKey(collection, idKey);
  // An id generated for this very insert (here, or by withId before the transaction) cannot
  // exist yet. A remembered one is consumed, so inserting the same object again is checked
  // (and fails with E11000, as on MongoDB).
  const fresh = generated || (typeof document._id === 'object' && generatedIds.delete(document._id));
  const encoded = encodedInserts.get(document);
  if (encoded) encodedInserts.delete(document);
  const bytes = encoded ?? serialize(document);
  let changes: IndexChange[];
  try {
    changes = planIndexChanges(engine, collection, idKey, undefined, document);
  } catch (error) {
    // A taken _id is the error reported when other unique keys are taken too, as on MongoDB.
    if (!fresh && engine.docs.get(key) !== undefined) throw takenId();
    throw error;
  }
  // The document is the first thing written, and its put checks the _id: one B-tree descent
  // rather than a read and then a write.
  if (fresh) engine.docs.putSync(key, bytes);
  else if (!putNew(engine, key, bytes)) throw takenId();
  applyIndexChanges(engine, idKey, changes);
  appendOplog(engine, { op: 'insert', coll: collection.name, id: document._id, doc: bytes });
  return { document, bytes, idKey };
}

/** Replaces a stored document (an update or a replace); returns false when nothing changed. */
export function rewriteDocument(
  engine: Engine,
  collection: CollectionEntry,
  previous: StoredDocument,
  next: Document,
  op: 'update' | 'replace',
  describe?: () => UpdateDescription,
): StoredDocument | undefined {
  // Changes that keep the document's layout (a flag, a date, a counter) are written over a copy
  // of the stored bytes rather than encoding the whole document again.
  const bytes = patchedBytes(previous.bytes, previous.document, next) ?? serialize(next);
  if (bytes === previous.bytes || bytes.equals(previous.bytes)) return undefined;
  const changes = planIndexChanges(engine, collection, previous.idKey, previous.document, next);
  engine.docs.putSync(docKey(collection, previous.idKey), bytes);
  applyIndexChanges(engine, previous.idKey, changes);
  appendOplog(engine, {
    op,
    coll: collection.name,
    id: next._id,
    ...(op === 'replace' ? { doc: bytes } : {}),
    ...(describe ? { upd: describe() } : {}),
  });
  return { document: next, bytes, idKey: previous.idKey };
}

export function removeDocument(engine: Engine, collection: CollectionEntry, stored: StoredDocument): void {
  const changes = planIndexChanges(engine, collection, stored.idKey, stored.document, undefined);
  engine.docs.removeSync(docKey(collection, stored.idKey));
  applyIndexChanges(engine, stored.idKey, changes);
  appendOplog(engine, { op: 'delete', coll: collection.name, id: stored.document._id });
}

/** Reads one stored document by its encoded _id (inside or outside a transaction). */
export function readDocument(engine: Engine, collection: CollectionEntry, idKey: Buffer): Buffer | undefined {
  return engine.docs.get(docKey(collection, idKey));
}
