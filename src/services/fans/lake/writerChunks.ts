import { randomBytes } from 'node:crypto';
import type { FanRecordType, RecordOfType } from '../records';
import { encodeRecord } from '../ingest/recordSchemas';
import type { LakeChunkDoc } from './writerModel';

/** Well under the store's 16 MB document limit, whatever FAN_LAKE_FLUSH_RECORDS says. */
const MAX_CHUNK_BYTES = 4 * 1024 * 1024;

/** The timestamp whose UTC day names a record's lake folder. */
export function timestampOf(record: RecordOfType<FanRecordType>): number {
  switch (record.type) {
    case 'registration':
      return record.registeredAt;
    case 'scoring':
      return record.scoredAt;
    case 'codeAssignment':
      return record.assignedAt;
  }
}

const DAY_MS = 86_400_000;
/** Days seen lately: most records of a batch share a day, and formatting a date is the costly part. */
const dayNames = new Map<number, string>();

/** YYYY/MM/DD of a time in UTC. */
export function utcDay(millis: number): string {
  const dayNumber = Math.floor(millis / DAY_MS);
  let name = dayNames.get(dayNumber);
  if (name === undefined) {
    name = new Date(dayNumber * DAY_MS).toISOString().slice(0, 10).replaceAll('-', '/');
    if (dayNames.size >= 1000) dayNames.clear();
    dayNames.set(dayNumber, name);
  }
  return name;
}

/**
 * Chunk ids ordered by the time they are made: milliseconds, then this writer's tag, then a
 * counter. Their stamp (the part after `{recordType}|`) names a lake file, so it uses only
 * characters an object key allows and never starts with `merged-` (the lake merge's names).
 */
export class ChunkIds {
  private readonly tag = randomBytes(4).toString('hex');
  private sequence = 0;

  next(recordType: FanRecordType): string {
    const millis = Date.now().toString(36).padStart(9, '0');
    const count = (this.sequence++).toString(36).padStart(8, '0');
    return `${recordType}|${millis}-${this.tag}-${count}`;
  }
}

/** The file-name part of a chunk id. */
export const stampOf = (chunkId: string): string => chunkId.slice(chunkId.indexOf('|') + 1);

/** The `_id` range of a record type's chunks. */
export const chunkRange = (recordType: FanRecordType) => ({ $gt: `${recordType}|`, $lt: `${recordType}}` });

/**
 * The buffer chunks of appended records: one per UTC day of their timestamps (in the order the
 * days first appear), split at `maxRecords` records or MAX_CHUNK_BYTES.
 */
export function chunkRecords<T extends FanRecordType>(
  recordType: T,
  records: RecordOfType<T>[],
  maxRecords: number,
  ids: ChunkIds,
): LakeChunkDoc[] {
  const byDay = new Map<string, Buffer[]>();
  for (const record of records) {
    const day = utcDay(timestampOf(record));
    let encoded = byDay.get(day);
    if (!encoded) byDay.set(day, (encoded = []));
    encoded.push(encodeRecord(recordType, record));
  }
  const createdAt = new Date();
  const chunks: LakeChunkDoc[] = [];
  for (const [day, encoded] of byDay) {
    let start = 0;
    while (start < encoded.length) {
      let end = start;
      let size = 0;
      while (
        end < encoded.length &&
        end - start < maxRecords &&
        (end === start || size + encoded[end].length <= MAX_CHUNK_BYTES)
      ) {
        size += encoded[end].length;
        end += 1;
      }
      const bytes = Buffer.concat(encoded.slice(start, end), size);
      chunks.push({ _id: ids.next(recordType), recordType, day, count: end - start, bytes, createdAt });
      start = end;
    }
  }
  return chunks;
}
