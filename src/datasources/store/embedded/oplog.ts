import type { Binary } from 'bson';
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
  /** Document as written (insert and replace): raw BSON, to avoid re-encoding it. */
  doc?: Binary;
  upd?: UpdateDescription;
}

export interface StoredOplogEntry extends OplogEntry {
  seq: number;
  wallTime: Date;
}

/** Inside a write transaction: records a change under the next sequence number. */
export function appendOplog(engine: Engine, entry: OplogEntry): number {
  const seq = engine.nextOplogSeq();
  engine.oplog.putSync(seqKey(seq), serialize({ ...entry, wallTime: new Date() }));
  return seq;
}

/** Entries after `afterSeq`, oldest first; read lazily, so a long backlog is not held in memory. */
export function* readOplog(engine: Engine, afterSeq: number): Generator<StoredOplogEntry> {
  for (const { key, value } of engine.oplog.getRange({ start: seqKey(afterSeq + 1), snapshot: false })) {
    yield { ...(deserialize(value) as OplogEntry & { wallTime: Date }), seq: readSeq(key) };
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
  for (const { key, value } of engine.oplog.getRange({ snapshot: false })) {
    const { wallTime } = deserialize(value) as { wallTime: Date };
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
