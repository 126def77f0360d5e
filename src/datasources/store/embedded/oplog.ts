import { deserialize, serialize, type Document } from './bson';
import type { Engine } from './engine';
import { readSeq, seqKey } from './oplogKeys';

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
/** Offset of the first change's name in a record: change count, then that change's length. */
const FIRST_CHANGE = 8;

/**
 * Inside a write transaction: records a change in the write call's oplog record (oplogBatch.ts),
 * stored under its own sequence number when the call ends. A change is the collection name,
 * the operation code and wall time in fixed bytes, then BSON: for an insert or replace the
 * document's own bytes (its _id is in it), for an update the _id and update description, for
 * a delete the _id. Watchers skip other collections' and operations' changes without decoding
 * anything, and inserts (most upserts) add no BSON encoding of their own.
 */
export function appendOplog(engine: Engine, entry: OplogEntry): void {
  engine.changeCounts.note(entry.coll);
  if (engine.oplogBatch.add(namePrefix(entry.coll), OP_CODES.indexOf(entry.op), entry.doc ?? bodyOf(entry)))
    engine.flushOplog();
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

/** One change as read: its collection and operation at once, the rest decoded on demand. */
export interface OplogRecord {
  seq: number;
  coll: string;
  op: OplogEntry['op'];
  decode(): StoredOplogEntry;
}

/** The change stored in `value` from `start` to `end`. */
function toRecord(value: Buffer, start: number, end: number, seq: number): OplogRecord {
  const nameEnd = start + 2 + value.readUInt16BE(start);
  const coll = value.toString('utf8', start + 2, nameEnd);
  return { seq, coll, op: OP_CODES[value[nameEnd]!]!, decode: () => decodeEntry(value, nameEnd, end, coll, seq) };
}

function decodeEntry(value: Buffer, nameEnd: number, end: number, coll: string, seq: number): StoredOplogEntry {
  const op = OP_CODES[value[nameEnd]!]!;
  const wallTime = new Date(value.readDoubleBE(nameEnd + 1));
  const entry: StoredOplogEntry = { seq, wallTime, op, coll };
  if (op === 'drop') return entry;
  const body = deserialize(value.subarray(nameEnd + FIXED_HEADER, end));
  if (op === 'insert' || op === 'replace') return { ...entry, id: body._id, fullDocument: body };
  if (!body.f) return { ...entry, id: body.i };
  const upd: UpdateDescription = {
    updatedFields: body.f as Document,
    removedFields: (body.r as string[]) ?? [],
    truncatedArrays: (body.t as UpdateDescription['truncatedArrays']) ?? [],
  };
  return { ...entry, id: body.i, upd };
}

/** How many changes a record holds. */
function changeCount(value: Buffer): number {
  return value.readUInt32BE(0);
}

/** A record's wall time (its first change's) in milliseconds, read without decoding the rest. */
function wallTimeOf(value: Buffer): number {
  return value.readDoubleBE(FIRST_CHANGE + 2 + value.readUInt16BE(FIRST_CHANGE) + 1);
}

/** Offset of change number `index` (from 0) in a record. */
function changeOffset(value: Buffer, index: number): number {
  let offset = 4;
  for (let i = 0; i < index; i++) offset += 4 + value.readUInt32BE(offset);
  return offset;
}

/** The changes of one record (keyed by its last sequence number) that come after `afterSeq`. */
function* changesOf(value: Buffer, lastSeq: number, afterSeq: number): Generator<OplogRecord> {
  const firstSeq = lastSeq - changeCount(value) + 1;
  let offset = changeOffset(value, Math.max(0, afterSeq + 1 - firstSeq));
  for (let seq = Math.max(firstSeq, afterSeq + 1); seq <= lastSeq; seq++) {
    const end = offset + 4 + value.readUInt32BE(offset);
    yield toRecord(value, offset + 4, end, seq);
    offset = end;
  }
}

/** Changes after `afterSeq`, oldest first; read lazily, so a long backlog is not held in memory. */
export function* readOplog(engine: Engine, afterSeq: number): Generator<OplogRecord> {
  for (const { key, value } of engine.oplog.getRange({ start: seqKey(afterSeq + 1) })) {
    yield* changesOf(value, readSeq(key), afterSeq);
  }
}

/** Lowest sequence still kept, or undefined when the oplog is empty. */
export function firstOplogSeq(engine: Engine): number | undefined {
  for (const { key, value } of engine.oplog.getRange({ limit: 1 })) return readSeq(key) - changeCount(value) + 1;
  return undefined;
}

/** The record without its oldest `drop` changes (its key, the last change's sequence, stays). */
function withoutOldest(value: Buffer, drop: number): Buffer {
  const rest = value.subarray(changeOffset(value, drop));
  const trimmed = Buffer.allocUnsafe(4 + rest.length);
  trimmed.writeUInt32BE(changeCount(value) - drop, 0);
  rest.copy(trimmed, 4);
  return trimmed;
}

interface TrimPlan {
  /** Keys of whole records to remove. */
  expired: Buffer[];
  /** Key of the oldest record kept, when some of its changes are beyond the newest `maxEntries`. */
  partial?: Buffer;
  keepFrom: number;
}

/** The plan once the first record to keep is found: cut it when it straddles `keepFrom`. */
function keeping(expired: Buffer[], key: Buffer, value: Buffer, keepFrom: number): TrimPlan {
  const straddles = readSeq(key) - changeCount(value) + 1 < keepFrom;
  return straddles ? { expired, keepFrom, partial: Buffer.from(key) } : { expired, keepFrom };
}

/**
 * Records to drop (up to `batch`): too old, or wholly beyond the newest `maxEntries` changes;
 * and the first record kept when it straddles that limit.
 */
function planTrim(engine: Engine, cutoff: number, maxEntries: number, batch: number): TrimPlan {
  const expired: Buffer[] = [];
  const newest = engine.lastOplogSeq();
  const keepFrom = newest - maxEntries + 1;
  for (const { key, value } of engine.oplog.getRange({})) {
    const lastSeq = readSeq(key);
    const tooOld = wallTimeOf(value) < cutoff;
    // The newest change stays, whatever its age: the next sequence number is read from its key.
    if (lastSeq === newest) return keeping(expired, key, value, tooOld ? newest : keepFrom);
    if (lastSeq >= keepFrom && !tooOld) return keeping(expired, key, value, keepFrom);
    expired.push(key);
    if (expired.length >= batch) break;
  }
  return { expired, keepFrom };
}

/** Inside a write transaction: rewrites a record without its changes before `keepFrom`. */
function trimRecord(engine: Engine, key: Buffer, keepFrom: number): void {
  const value = engine.oplog.get(key);
  if (!value) return;
  const drop = keepFrom - (readSeq(key) - changeCount(value) + 1);
  if (drop > 0 && drop < changeCount(value)) engine.oplog.putSync(key, withoutOldest(value, drop));
}

/**
 * Inside the write transaction: removes up to `batch` records older than `cutoff` or beyond the
 * newest `maxEntries` changes; `done` once nothing more is to go.
 */
export function trimOplogInTxn(
  engine: Engine,
  cutoff: number,
  maxEntries: number,
  batch: number,
): { removed: number; done: boolean } {
  const { expired, partial, keepFrom } = planTrim(engine, cutoff, maxEntries, batch);
  for (const key of expired) engine.oplog.removeSync(key);
  if (partial) trimRecord(engine, partial, keepFrom);
  const removed = expired.length + (partial ? 1 : 0);
  // The record cut last is the oldest one kept: nothing more to trim.
  return { removed, done: removed === 0 || partial !== undefined || expired.length < batch };
}

/**
 * Removes changes older than the retention window or beyond the newest `maxEntries` (so a
 * burst of writes cannot fill the disk), in commits of 10,000 records; returns how many records
 * went or were cut.
 */
export async function trimOplog(
  engine: Engine,
  retentionMs: number,
  maxEntries: number,
  now = Date.now(),
): Promise<number> {
  const cutoff = now - retentionMs;
  let removed = 0;
  // Checked before each commit: a write after close is refused.
  while (!engine.isClosed) {
    const trimmed = await engine.write({ kind: 'trimOplog', cutoff, maxEntries, batch: 10_000 });
    removed += trimmed.removed;
    if (trimmed.done) break;
  }
  return removed;
}
