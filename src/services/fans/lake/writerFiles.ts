import { createHash } from 'node:crypto';
import { streams } from 'avsc';
import { fanRecordSchema } from '../ingest/recordSchemas';
import type { FanRecordType } from '../records';
import { bytesOf, type LakeChunkDoc } from './writerModel';

/**
 * One Avro object container file (codec deflate) of the records of `chunks`, in order, with the
 * record type's whole schema (docs, version, logical types) in its header. The sync marker comes
 * from the key, so writing the same chunks to the same key again gives the same bytes.
 */
export async function lakeFileOf(
  recordType: FanRecordType,
  key: string,
  chunks: Pick<LakeChunkDoc, 'bytes'>[],
): Promise<{ body: Buffer; records: number }> {
  const { schema, type } = fanRecordSchema(recordType);
  const syncMarker = createHash('sha256').update(key).digest().subarray(0, 16);
  const encoder = new streams.BlockEncoder(schema, { codec: 'deflate', syncMarker });
  const parts: Buffer[] = [];
  const finished = new Promise<void>((resolve, reject) => {
    encoder.on('data', (part: Buffer) => parts.push(part));
    encoder.on('end', resolve);
    encoder.on('error', reject);
  });
  let records = 0;
  for (const chunk of chunks) {
    const bytes = bytesOf(chunk.bytes);
    let offset = 0;
    while (offset < bytes.length) {
      const decoded = type.decode(bytes, offset);
      if (decoded.offset < 0) throw new Error(`a ${recordType} chunk is truncated at byte ${offset}`);
      encoder.write(decoded.value);
      offset = decoded.offset;
      records += 1;
    }
  }
  encoder.end();
  await finished;
  return { body: Buffer.concat(parts), records };
}
