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

export interface StoredOplogEntry extends OplogEntry {
  seq: number;
  wallTime: Date;
}

/**
 * Inside a write transaction: records a change under the next sequence number. The stored value
 * is the collection name (2-byte length, UTF-8), a small BSON header, then the document's own
 * BSON bytes. Watchers skip other collections' entries by name without decoding any BSON, and a
 * BSON document starts with its length, so header and document split apart without copying.
 */
export function appendOplog(engine: Engine, entry: OplogEntry): number {
  const seq = engine.nextOplogSeq();
  const { doc, coll, ...header } = entry;
  const name = namePrefix(coll);
  const headerBytes = serialize({ ...header, wallTime: new Date() });
  engine.oplog.putSync(seqKey(seq), Buffer.concat(doc ? [name, headerBytes, doc] : [name, headerBytes]));
  return seq;
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

/** One oplog entry as read: its collection at once, the rest decoded on demand. */
export interface OplogRecord {
  seq: number;
  coll: string;
  decode(): StoredOplogEntry;
}

function toRecord(value: Buffer, seq: number): OplogRecord {
  const nameEnd = 2 + value.readUInt16BE(0);
  const coll = value.toString('utf8', 2, nameEnd);
  return {
    seq,
    coll,
    decode: () => {
      const headerEnd = nameEnd + value.readInt32LE(nameEnd);
      const header = deserialize(value.subarray(nameEnd, headerEnd)) as Omit<OplogEntry, 'coll'> & { wallTime: Date };
      return { ...header, coll, ...(value.length > headerEnd ? { doc: value.subarray(headerEnd) } : {}), seq };
    },
  };
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
    if (seq >= keepFrom && toRecord(value, seq).decode().wallTime.getTime() >= cutoff) break;
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
    const expired = expiredKeys(engine, cutoff, maxEntries, 10_000);
    if (expired.length === 0 || engine.isClosed) return removed;
    await engine.write(() => {
      for (const key of expired) engine.oplog.removeSync(key);
    });
    removed += expired.length;
  }
}
