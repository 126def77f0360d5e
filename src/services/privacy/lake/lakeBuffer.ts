import type { Db } from '../../../datasources/store';
import { decodeRecords, encodeRecord, fanRecordSchema } from '../../fans/ingest/recordSchemas';
import { bytesOf, LAKE_BUFFER, type LakeChunkDoc } from '../../fans/lake/writerModel';
import type { FanRecord } from '../../fans/records';
import type { PersonMatcher } from '../files/personMatcher';
import type { Pseudonyms } from '../pseudonyms';
import { anonymizedRecord, lakeRecordMatches, type LakeRecord } from './lakeRecords';

/** The person's records still in the lake writer's buffer (not yet in a lake file). */
export async function personRecordsInBuffer(db: Db, matcher: PersonMatcher): Promise<LakeRecord[]> {
  const found: LakeRecord[] = [];
  for await (const chunk of db.collection<LakeChunkDoc>(LAKE_BUFFER).find({})) {
    for (const record of decodeRecords(chunk.recordType, bytesOf(chunk.bytes))) {
      if (lakeRecordMatches(matcher, record as unknown as LakeRecord)) found.push(record as unknown as LakeRecord);
    }
  }
  return found;
}

/**
 * Anonymizes the person's records in the buffer's chunks as in the lake files, so the next
 * flush writes them without the person. A chunk flushed meanwhile is gone, and its file is
 * rewritten by the lake step. Answers how many records changed.
 */
export async function anonymizeLakeBuffer(db: Db, matcher: PersonMatcher, pseudonyms: Pseudonyms): Promise<number> {
  const buffer = db.collection<LakeChunkDoc>(LAKE_BUFFER);
  let changed = 0;
  for await (const chunk of buffer.find({})) {
    const { type } = fanRecordSchema(chunk.recordType);
    const records = decodeRecords(chunk.recordType, bytesOf(chunk.bytes));
    let matched = 0;
    const rewritten = records.map((record) => {
      if (!lakeRecordMatches(matcher, record as unknown as LakeRecord)) return record;
      matched += 1;
      return anonymizedRecord(type, record as unknown as LakeRecord, pseudonyms, matcher) as unknown as FanRecord;
    });
    if (matched === 0) continue;
    const bytes = Buffer.concat(rewritten.map((record) => encodeRecord(chunk.recordType, record)));
    const result = await buffer.updateOne({ _id: chunk._id, count: chunk.count }, { $set: { bytes } });
    if (result.modifiedCount === 1) changed += matched;
  }
  return changed;
}
