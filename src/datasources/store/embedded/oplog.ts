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
 * is a small BSON header followed by the document's own BSON bytes (a BSON document starts with
 * its length, so the two split apart without re-encoding the document).
 */
export function appendOplog(engine: Engine, entry: OplogEntry): number {
  const seq = engine.nextOplogSeq();
  const { doc, ...header } = entry;
  const headerBytes = serialize({ ...header, wallTime: new Date() });
  engine.oplog.putSync(seqKey(seq), doc ? Buffer.concat([headerBytes, doc]) : headerBytes);
  return seq;
}

function decodeEntry(value: Buffer, seq: number): StoredOplogEntry {
  const headerLength = value.readInt32LE(0);
  const header = deserialize(value.subarray(0, headerLength)) as OplogEntry & { wallTime: Date };
  return { ...header, ...(value.length > headerLength ? { doc: value.subarray(headerLength) } : {}), seq };
}

/** Entries after `afterSeq`, oldest first; read lazily, so a long backlog is not held in memory. */
export function* readOplog(engine: Engine, afterSeq: number): Generator<StoredOplogEntry> {
  for (const { key, value } of engine.oplog.getRange({ start: seqKey(afterSeq + 1), snapshot: false })) {
    yield decodeEntry(value, readSeq(key));
  }
}

/** Lowest sequence still kept, or undefined when the oplog is empty. */
export function firstOplogSeq(engine: Engine): number | undefined {
  for (const { key } of engine.oplog.getRange({ limit: 1 })) return readSeq(key);
  return undefined;
}

/** Removes entries older than the retention window; returns how many went. */
export async function trimOplog(engine: Engine, retentionMs: number, now = Date.now()): Promise<number> {
  const cutoff = now - retentionMs;
  const expired: Buffer[] = [];
  // The newest entry stays, whatever its age: the next sequence number is read from it.
  const newest = engine.lastOplogSeq();
  for (const { key, value } of engine.oplog.getRange({ end: seqKey(newest), snapshot: false })) {
    const { wallTime } = decodeEntry(value, readSeq(key));
    if (wallTime.getTime() >= cutoff) break;
    expired.push(key);
    if (expired.length >= 10_000) break;
  }
  if (expired.length === 0) return 0;
  await engine.write(() => {
    for (const key of expired) engine.oplog.removeSync(key);
  });
  return expired.length;
}
