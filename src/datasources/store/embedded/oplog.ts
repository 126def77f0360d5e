import { deserialize, serialize, type Document } from './bson';
import { readSeq, seqKey, type Engine } from './engine';

/** What a change event says changed in an update, as MongoDB's change streams report it. */
export interface UpdateDescription {
  updatedFields: Document;
  removedFields: string[];
  truncatedArrays: Array<{ field: string; newSize: number }>;
}

/** One oplog entry: written in the same transaction as the change it records. */
export interface OplogEntry {
  op: 'insert' | 'update' | 'replace' | 'delete' | 'drop';
  coll: string;
  id?: unknown;
  /** Document as written (insert and replace), as its stored BSON bytes. */
  doc?: Buffer;
  upd?: UpdateDescription;
}

/** One oplog entry as a watcher reads it: an insert or replace gives its document decoded. */
export interface StoredOplogEntry {
  seq: number;
  wallTime: Date;
  op: OplogEntry['op'];
  coll: string;
  id?: unknown;
  fullDocument?: Document;
  upd?: UpdateDescription;
}

const OP_CODES: OplogEntry['op'][] = ['insert', 'update', 'replace', 'delete', 'drop'];
/** Operation code (1 byte) and wall time in milliseconds (8-byte double). */
const FIXED_HEADER = 9;

/**
 * Inside a write transaction: records a change under the next sequence number. The stored value
 * is the collection name (2-byte length, UTF-8), the operation code and wall time in fixed
 * bytes, then BSON: for an insert or replace the document's own bytes (its _id is in it), for
 * an update the _id and update description, for a delete the _id. Watchers skip other
 * collections' entries by name without decoding anything, and inserts (most upserts) add no
 * BSON encoding of their own: a BSON header cost as much as encoding the document itself.
 */
export function appendOplog(engine: Engine, entry: OplogEntry): number {
  const seq = engine.nextOplogSeq();
  const name = namePrefix(entry.coll);
  const body = entry.doc ?? bodyOf(entry);
  const value = Buffer.allocUnsafe(name.length + FIXED_HEADER + (body?.length ?? 0));
  name.copy(value, 0);
  value[name.length] = OP_CODES.indexOf(entry.op);
  value.writeDoubleBE(Date.now(), name.length + 1);
  body?.copy(value, name.length + FIXED_HEADER);
  engine.oplog.putSync(seqKey(seq), value);
  return seq;
}

/**
 * The BSON body of an update or delete. An update description is stored flat, its empty lists
 * left out (they almost always are): each nested document or array costs the encoder a frame.
 */
function bodyOf(entry: OplogEntry): Buffer | undefined {
  if (entry.op === 'drop') return undefined;
  const body: Document = { i: entry.id };
  if (entry.upd) {
    body.f = entry.upd.updatedFields;
    if (entry.upd.removedFields.length > 0) body.r = entry.upd.removedFields;
    if (entry.upd.truncatedArrays.length > 0) body.t = entry.upd.truncatedArrays;
  }
  return serialize(body);
}

const namePrefixes = new Map<string, Buffer>();

/** 2-byte length and UTF-8 bytes of a collection name, built once per name. */
function namePrefix(coll: string): Buffer {
  let prefix = namePrefixes.get(coll);
  if (!prefix) {
    const name = Buffer.from(coll, 'utf8');
    prefix = Buffer.alloc(2 + name.length);
    prefix.writeUInt16BE(name.length);
    name.copy(prefix, 2);
    namePrefixes.set(coll, prefix);
  }
  return prefix;
}

/** One oplog entry as read: its collection and operation at once, the rest decoded on demand. */
export interface OplogRecord {
  seq: number;
  coll: string;
  op: OplogEntry['op'];
  decode(): StoredOplogEntry;
}

function toRecord(value: Buffer, seq: number): OplogRecord {
  const nameEnd = 2 + value.readUInt16BE(0);
  const coll = value.toString('utf8', 2, nameEnd);
  return { seq, coll, op: OP_CODES[value[nameEnd]!]!, decode: () => decodeEntry(value, nameEnd, coll, seq) };
}

/** An entry's wall time in milliseconds, read without decoding the rest. */
function wallTimeOf(value: Buffer): number {
  return value.readDoubleBE(2 + value.readUInt16BE(0) + 1);
}

function decodeEntry(value: Buffer, nameEnd: number, coll: string, seq: number): StoredOplogEntry {
  const op = OP_CODES[value[nameEnd]!]!;
  const wallTime = new Date(value.readDoubleBE(nameEnd + 1));
  const entry: StoredOplogEntry = { seq, wallTime, op, coll };
  if (op === 'drop') return entry;
  const body = deserialize(value.subarray(nameEnd + FIXED_HEADER));
  if (op === 'insert' || op === 'replace') return { ...entry, id: body._id, fullDocument: body };
  if (!body.f) return { ...entry, id: body.i };
  const upd: UpdateDescription = { updatedFields: body.f as Document, removedFields: (body.r as string[]) ?? [], truncatedArrays: (body.t as UpdateDescription['truncatedArrays']) ?? [] };
  return { ...entry, id: body.i, upd };
}

/** Entries after `afterSeq`, oldest first; read lazily, so a long backlog is not held in memory. */
export function* readOplog(engine: Engine, afterSeq: number): Generator<OplogRecord> {
  for (const { key, value } of engine.oplog.getRange({ start: seqKey(afterSeq + 1) })) {
    yield toRecord(value, readSeq(key));
  }
}

/** Lowest sequence still kept, or undefined when the oplog is empty. */
export function firstOplogSeq(engine: Engine): number | undefined {
  for (const { key } of engine.oplog.getRange({ limit: 1 })) return readSeq(key);
  return undefined;
}

/** Keys of the oldest entries to drop (up to `batch`): too old, or beyond the newest `maxEntries`. */
function expiredKeys(engine: Engine, cutoff: number, maxEntries: number, batch: number): Buffer[] {
  const expired: Buffer[] = [];
  // The newest entry stays, whatever its age: the next sequence number is read from it.
  const newest = engine.lastOplogSeq();
  const keepFrom = newest - maxEntries + 1;
  for (const { key, value } of engine.oplog.getRange({ end: seqKey(newest) })) {
    const seq = readSeq(key);
    if (seq >= keepFrom && wallTimeOf(value) >= cutoff) break;
    expired.push(key);
    if (expired.length >= batch) break;
  }
  return expired;
}

/**
 * Removes entries older than the retention window or beyond the newest `maxEntries` (so a
 * burst of writes cannot fill the disk), in commits of 10,000; returns how many went.
 */
export async function trimOplog(engine: Engine, retentionMs: number, maxEntries: number, now = Date.now()): Promise<number> {
  const cutoff = now - retentionMs;
  let removed = 0;
  for (;;) {
    // Checked before reading: a read after close starts a read transaction that lmdb-js then
    // fails to reset once the environment is gone.
    if (engine.isClosed) return removed;
    const expired = expiredKeys(engine, cutoff, maxEntries, 10_000);
    if (expired.length === 0) return removed;
    await engine.write(() => {
      for (const key of expired) engine.oplog.removeSync(key);
    });
    removed += expired.length;
  }
}
