/**
 * The changes one write call makes, kept until the call ends and then stored as one oplog
 * record: a bulk insert of 1,000 documents is one LMDB put for its oplog instead of 1,000.
 * Each change keeps its own sequence number (the record's key is its last one), operation and
 * wall time, so watchers and resume tokens see exactly what one entry per change gave them.
 *
 * Record layout: change count (4 bytes), then per change its length (4 bytes) and its bytes:
 * collection name (2-byte length, UTF-8), operation code (1 byte), wall time in milliseconds
 * (8-byte double), BSON body.
 */

interface PendingChange {
  name: Buffer;
  op: number;
  wallTime: number;
  body: Buffer | undefined;
}

/** Bounds of one record: a huge updateMany is stored as several, never as one giant value. */
const MAX_CHANGES = 1000;
const MAX_BYTES = 4 * 1024 * 1024;
/** Length prefix, operation code and wall time of one change. */
const CHANGE_OVERHEAD = 4 + 1 + 8;

export interface OplogRecordValue {
  count: number;
  value: Buffer;
}

export class OplogBatch {
  private changes: PendingChange[] = [];
  private bytes = 4;

  /** Adds a change; true when the batch is full and should be stored now. */
  add(name: Buffer, op: number, body: Buffer | undefined): boolean {
    this.changes.push({ name, op, wallTime: Date.now(), body });
    this.bytes += CHANGE_OVERHEAD + name.length + (body?.length ?? 0);
    return this.changes.length >= MAX_CHANGES || this.bytes >= MAX_BYTES;
  }

  /** Drops the pending changes (their writes were rolled back). */
  clear(): void {
    this.changes = [];
    this.bytes = 4;
  }

  /** The pending changes encoded as one record, or undefined when there are none; empties the batch. */
  take(): OplogRecordValue | undefined {
    const { changes, bytes } = this;
    if (changes.length === 0) return undefined;
    this.clear();
    const value = Buffer.allocUnsafe(bytes);
    value.writeUInt32BE(changes.length, 0);
    let offset = 4;
    for (const { name, op, wallTime, body } of changes) {
      value.writeUInt32BE(name.length + 9 + (body?.length ?? 0), offset);
      offset += 4 + name.copy(value, offset + 4);
      value[offset] = op;
      value.writeDoubleBE(wallTime, offset + 1);
      offset += 9;
      if (body) offset += body.copy(value, offset);
    }
    return { count: changes.length, value };
  }
}
