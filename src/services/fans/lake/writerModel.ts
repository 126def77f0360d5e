import type { FanRecordType } from '../records';

/** Validated records waiting for their lake file: the lake writer's buffer in the store. */
export const LAKE_BUFFER = 'lakeBuffer';
/** One document per record type: who flushes it, and the files of a flush not yet finished. */
export const LAKE_FLUSHES = 'lakeFlushes';

/**
 * Records of one type and one UTC day appended together, Avro-encoded back to back (one store
 * write per append instead of one per record). `_id` is `{recordType}|{stamp}`, stamps ordered by
 * the time of the append, so a record type's chunks are read oldest first from an `_id` range.
 */
export interface LakeChunkDoc {
  _id: string;
  recordType: FanRecordType;
  /** YYYY/MM/DD (UTC) of the records' timestamps: the folder of their lake file. */
  day: string;
  count: number;
  /** The records, Avro binary of the record type's schema (recordSchemas.ts), back to back. */
  bytes: Buffer;
  createdAt: Date;
}

/** A lake file of a flush: its key and the chunks it holds, in order. */
export interface LakeFlushFile {
  key: string;
  chunkIds: string[];
}

export interface LakeFlushDoc {
  /** The record type. */
  _id: FanRecordType;
  /** The writer flushing this record type now, and until when its hold lasts without renewal. */
  holder: string | null;
  heldUntil: Date | null;
  /**
   * Files being written: set before the first put, cleared after their chunks are deleted. A
   * writer that finds it set (the last one died in between) writes the same keys again from the
   * same chunks, so each record ends in exactly one file.
   */
  pending: LakeFlushFile[] | null;
}

/** Bytes stored as a Buffer come back from either engine as a BSON Binary. */
export function bytesOf(value: unknown): Buffer {
  if (Buffer.isBuffer(value)) return value;
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  const binary = value as { buffer: Uint8Array; position: number };
  return Buffer.from(binary.buffer.buffer, binary.buffer.byteOffset, binary.position);
}
