import { deserialize, type Document } from './bson';
import { prefixOf, type CollectionEntry, type IndexSpec } from './catalog';
import type { Engine } from './engine';
import { decodeComponents, decodeId } from './keyDecode';
import type { IndexBounds, Plan } from './planner';
import type { StoredDocument } from './writes';

/** What a scan touched: the figures MongoDB's explain('executionStats') reports. */
export interface ScanStats {
  keysExamined: number;
  docsExamined: number;
}

export function emptyStats(): ScanStats {
  return { keysExamined: 0, docsExamined: 0 };
}

type Table = Engine['docs'];

/**
 * A document read by a scan. Decoding and the _id slice are deferred: a count or an exact
 * index answer may never need them, and Buffer.subarray is costly at millions of documents.
 */
class ScannedDocument implements StoredDocument {
  private decoded: Document | undefined;
  private id: Buffer | undefined;

  constructor(
    readonly bytes: Buffer,
    private readonly key: Buffer,
    private readonly idOffset: number,
  ) {}

  get document(): Document {
    return (this.decoded ??= deserialize(this.bytes));
  }

  get idKey(): Buffer {
    return (this.id ??= this.idOffset === 0 ? this.key : this.key.subarray(this.idOffset));
  }
}

/** Entries of `table` in [start, end), forward or backward. */
function* rangeEntries(
  table: Table,
  start: Buffer,
  end: Buffer,
  reverse: boolean,
): Generator<{ key: Buffer; value: Buffer }> {
  if (!reverse) {
    yield* table.getRange({ start, end });
    return;
  }
  // lmdb's reverse ranges include their start and exclude their end: the opposite of [start, end).
  for (const entry of table.getRange({ start: end, reverse: true })) {
    if (Buffer.compare(entry.key, end) >= 0) continue;
    if (Buffer.compare(entry.key, start) < 0) return;
    yield entry;
  }
}

function withPrefix(prefix: Buffer, bounds: IndexBounds): IndexBounds {
  return { start: Buffer.concat([prefix, bounds.start]), end: Buffer.concat([prefix, bounds.end]) };
}

export type IndexPlan = Extract<Plan, { stage: 'IXSCAN' }>;

/** The document under one whole key of a unique index (or `_id`), if any. */
export function lookupPoint(
  engine: Engine,
  collection: CollectionEntry,
  plan: IndexPlan,
  key: Buffer,
): StoredDocument | undefined {
  const idKey = plan.spec ? engine.index.get(Buffer.concat([prefixOf(plan.spec.id), key])) : key;
  return idKey ? lookupId(engine, collection, idKey) : undefined;
}

/** The document stored under an encoded `_id`, if any. */
export function lookupId(engine: Engine, collection: CollectionEntry, idKey: Buffer): StoredDocument | undefined {
  const bytes = engine.docs.get(Buffer.concat([prefixOf(collection.id), idKey]));
  return bytes ? new ScannedDocument(bytes, idKey, 0) : undefined;
}

/** Documents of a point plan: one `get` per key (an index entry, then the document). */
function* pointLookups(
  engine: Engine,
  collectionPrefix: Buffer,
  plan: IndexPlan,
  stats: ScanStats,
): Generator<StoredDocument> {
  const bounds = plan.reverse ? [...plan.bounds].reverse() : plan.bounds;
  // A multikey unique index can hold one document under several of the requested keys.
  const seen = plan.spec?.multikey && bounds.length > 1 ? new Set<string>() : undefined;
  for (const { start: key } of bounds) {
    stats.keysExamined++;
    const idKey = plan.spec ? engine.index.get(Buffer.concat([prefixOf(plan.spec.id), key])) : key;
    if (!idKey) continue;
    if (seen) {
      if (seen.has(idKey.toString('latin1'))) continue;
      seen.add(idKey.toString('latin1'));
    }
    const bytes = engine.docs.get(Buffer.concat([collectionPrefix, idKey]));
    if (!bytes) continue;
    stats.docsExamined++;
    yield new ScannedDocument(bytes, idKey, 0);
  }
}

/** Fields a caller reads of each result (`_id` included when it reads it): all it needs. */
export type Cover = readonly string[];

/**
 * A document that is only the fields an index entry holds: what a covered query returns
 * instead of reading the document (MongoDB's covered queries). Its bytes are not read.
 */
class CoveredDocument implements StoredDocument {
  constructor(
    readonly document: Document,
    readonly idKey: Buffer,
  ) {}

  get bytes(): Buffer {
    throw new Error('a covered index read has no document bytes');
  }
}

/**
 * Reads `cover` from an entry of `spec`, or answers undefined when a value there is not one
 * keyDecode.ts reads back exactly (the document is read then). Undefined as a whole when the
 * index cannot cover: multikey (an entry holds one element of an array), descending, or a
 * field it does not hold.
 */
function coveredReader(
  spec: IndexSpec,
  cover: Cover,
): ((key: Buffer, idKey: Buffer) => CoveredDocument | undefined) | undefined {
  const fields = spec.key.map(([field]) => field);
  if (spec.multikey || spec.key.some(([field, direction]) => direction !== 1 || field.includes('.'))) return undefined;
  if (!cover.every((field) => field === '_id' || fields.includes(field))) return undefined;
  const count = Math.max(0, ...cover.map((field) => fields.indexOf(field) + 1));
  const wantsId = cover.includes('_id');
  const offset = prefixOf(spec.id).length;
  return (key, idKey) => {
    const values = decodeComponents(key, offset, count);
    if (!values) return undefined;
    const document: Document = {};
    if (wantsId) {
      const id = decodeId(idKey);
      if (id === undefined) return undefined;
      document._id = id;
    }
    for (let i = 0; i < count; i++) if (cover.includes(fields[i]!)) document[fields[i]!] = values[i];
    return new CoveredDocument(document, idKey);
  };
}

/**
 * Candidate documents for a plan, read lazily from LMDB (never the whole collection in memory).
 * Works inside a write transaction too, where it sees that transaction's own writes.
 */
export function* scan(
  engine: Engine,
  collection: CollectionEntry | undefined,
  plan: Plan,
  stats: ScanStats,
  cover?: Cover,
): Generator<StoredDocument> {
  if (!collection) return;
  const collectionPrefix = prefixOf(collection.id);
  if (plan.stage === 'COLLSCAN') {
    for (const { key, value } of engine.docs.getRange({ start: collectionPrefix, end: prefixOf(collection.id + 1) })) {
      stats.docsExamined++;
      yield new ScannedDocument(value, key, 4);
    }
    return;
  }
  if (plan.point) {
    yield* pointLookups(engine, collectionPrefix, plan, stats);
    return;
  }
  const bounds = plan.reverse ? [...plan.bounds].reverse() : plan.bounds;
  if (!plan.spec) {
    for (const range of bounds) {
      const { start, end } = withPrefix(collectionPrefix, range);
      for (const { key, value } of rangeEntries(engine.docs, start, end, plan.reverse)) {
        stats.keysExamined++;
        stats.docsExamined++;
        yield new ScannedDocument(value, key, 4);
      }
    }
    return;
  }
  const indexPrefix = prefixOf(plan.spec.id);
  // A multikey index (or several bounds) can list a document more than once.
  const seen = plan.spec.multikey || bounds.length > 1 ? new Set<string>() : undefined;
  const readCovered = cover && coveredReader(plan.spec, cover);
  for (const range of bounds) {
    const { start, end } = withPrefix(indexPrefix, range);
    for (const { key, value: idKey } of rangeEntries(engine.index, start, end, plan.reverse)) {
      stats.keysExamined++;
      if (seen) {
        const id = idKey.toString('latin1');
        if (seen.has(id)) continue;
        seen.add(id);
      }
      const covered = readCovered?.(key, idKey);
      if (covered) {
        yield covered;
        continue;
      }
      const bytes = engine.docs.get(Buffer.concat([collectionPrefix, idKey]));
      if (!bytes) continue;
      stats.docsExamined++;
      yield new ScannedDocument(bytes, idKey, 0);
    }
  }
}
