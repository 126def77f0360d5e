import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Type, type Schema } from 'avsc';
import type { FanRecordType, RecordOfType } from '../records';

/**
 * The Avro data contract of the fan records: src/schema/avro/{recordType}.avsc, read by path so
 * the same code runs from src/ (swc) and from dist/ (`npm run build` copies the files beside the
 * compiled schema folder). Each schema carries its `version`; a file written with it carries the
 * whole schema, docs and logical types included, in its header.
 */
const SCHEMA_DIR = join(__dirname, '..', '..', '..', 'schema', 'avro');

export interface FanRecordSchema<T extends FanRecordType = FanRecordType> {
  recordType: T;
  /** The schema as written in the .avsc file: what lake files carry in their header. */
  schema: Schema & { version: number; name: string; namespace: string; fields: unknown[] };
  /** The compiled type: validation, encoding and decoding of the record without its `type` field. */
  type: Type;
  version: number;
}

const loaded = new Map<FanRecordType, FanRecordSchema>();

/** The schema of a record type, read and compiled once per process. */
export function fanRecordSchema<T extends FanRecordType>(recordType: T): FanRecordSchema<T> {
  let entry = loaded.get(recordType);
  if (!entry) {
    const schema = JSON.parse(readFileSync(join(SCHEMA_DIR, `${recordType}.avsc`), 'utf8'));
    entry = { recordType, schema, type: Type.forSchema(schema), version: schema.version };
    loaded.set(recordType, entry);
  }
  return entry as FanRecordSchema<T>;
}

/** A record as stored in the lake: the Avro value, with no `type` (the file's folder names it). */
export type LakeValue<T extends FanRecordType> = Omit<RecordOfType<T>, 'type'>;

/** Encodes one record to Avro binary (its `type` field is not part of the contract). */
export function encodeRecord<T extends FanRecordType>(recordType: T, record: RecordOfType<T>): Buffer {
  return fanRecordSchema(recordType).type.toBuffer(record);
}

/** Decodes the records of a buffer of Avro binary values written back to back by `encodeRecord`. */
export function decodeRecords<T extends FanRecordType>(recordType: T, bytes: Buffer): RecordOfType<T>[] {
  const { type } = fanRecordSchema(recordType);
  const records: RecordOfType<T>[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    const { value, offset: next } = type.decode(bytes, offset);
    if (next < 0) throw new Error(`truncated ${recordType} record at byte ${offset}`);
    records.push({ type: recordType, ...(value as LakeValue<T>) } as RecordOfType<T>);
    offset = next;
  }
  return records;
}
