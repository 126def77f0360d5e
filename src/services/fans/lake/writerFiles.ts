import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { deflateRaw } from 'node:zlib';
import { Type } from 'avsc';
import { fanRecordSchema } from '../ingest/recordSchemas';
import type { FanRecordType } from '../records';
import { bytesOf, type LakeChunkDoc } from './writerModel';

const deflate = promisify(deflateRaw);

/** The Avro object container file header (Avro 1.11 specification, "Object Container Files"). */
const HEADER = Type.forSchema({
  type: 'record',
  name: 'org.apache.avro.file.Header',
  fields: [
    { name: 'magic', type: { type: 'fixed', name: 'Magic', size: 4 } },
    { name: 'meta', type: { type: 'map', values: 'bytes' } },
    { name: 'sync', type: { type: 'fixed', name: 'Sync', size: 16 } },
  ],
});
const LONG = Type.forSchema('long');
const MAGIC = Buffer.from('Obj\x01', 'latin1');

/** The header of a record type's files: its whole schema as written in the .avsc file, codec deflate. */
const headers = new Map<FanRecordType, Buffer>();

function headerOf(recordType: FanRecordType, syncMarker: Buffer): Buffer {
  let meta = headers.get(recordType);
  if (!meta) {
    const { schema } = fanRecordSchema(recordType);
    meta = Buffer.from(JSON.stringify(schema));
    headers.set(recordType, meta);
  }
  return HEADER.toBuffer({
    magic: MAGIC,
    meta: { 'avro.schema': meta, 'avro.codec': Buffer.from('deflate') },
    sync: syncMarker,
  });
}

/**
 * One Avro object container file (codec deflate) of the records of `chunks`, in order, with the
 * record type's whole schema (docs, version, logical types) in its header. A chunk already holds
 * its records in Avro binary, back to back, so each chunk becomes one block as it is: deflated
 * (on libuv's thread pool), never decoded. The sync marker comes from the key, so writing the same
 * chunks to the same key again gives the same bytes.
 */
export async function lakeFileOf(
  recordType: FanRecordType,
  key: string,
  chunks: Pick<LakeChunkDoc, 'bytes' | 'count'>[],
): Promise<{ body: Buffer; records: number }> {
  const syncMarker = createHash('sha256').update(key).digest().subarray(0, 16);
  const compressed = await Promise.all(chunks.map((chunk) => deflate(bytesOf(chunk.bytes))));
  const parts: Buffer[] = [headerOf(recordType, syncMarker)];
  let records = 0;
  chunks.forEach((chunk, index) => {
    if (chunk.count === 0) return;
    const block = compressed[index]!;
    parts.push(LONG.toBuffer(chunk.count), LONG.toBuffer(block.length), block, syncMarker);
    records += chunk.count;
  });
  return { body: Buffer.concat(parts), records };
}
