import { once } from 'node:events';
import type { Readable } from 'node:stream';
import { streams, type Type } from 'avsc';
import type { ObjectStore, StoredObject } from '../../../datasources/objects/port';
import { isAvroKey, LAKE_ROOT, STAGING_ROOT } from '../../fans/lake/lakePaths';
import type { PersonMatcher } from '../files/personMatcher';
import type { Pseudonyms } from '../pseudonyms';
import { anonymizedRecord, lakeRecordMatches, type LakeRecord } from './lakeRecords';

/** Live and archived lake files (avro/), and merged files staged but not published (avro-staging/). */
export async function lakeObjects(objects: ObjectStore): Promise<StoredObject[]> {
  const listed = await Promise.all([objects.list(`${LAKE_ROOT}/`), objects.list(`${STAGING_ROOT}/`)]);
  return listed.flat().filter((object) => isAvroKey(object.key));
}

/** The bytes that may be in a record of the person: its e-mail, number or userIds as Avro writes strings. */
const needlesOf = (matcher: PersonMatcher) =>
  [...matcher.emails, ...matcher.phones, ...matcher.userIds].map((value) => Buffer.from(value, 'utf8'));

/**
 * The person's records in a lake file, decoded. Records are first looked at as bytes (each block
 * inflated, no record decoded): only one holding the bytes of the e-mail, the number or a userId
 * is decoded and checked field by field.
 */
export async function personRecordsIn(
  objects: ObjectStore,
  key: string,
  matcher: PersonMatcher,
  limit = Number.POSITIVE_INFINITY,
): Promise<LakeRecord[]> {
  const stored = await objects.get(key);
  if (!stored) return [];
  const needles = needlesOf(matcher);
  // raw records are pushed one by one but read as a byte stream: 'data' events keep them apart
  const decoder = new streams.BlockDecoder({ noDecode: true });
  const found: LakeRecord[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      let type: Type | null = null;
      decoder.once('metadata', (writerType: Type) => {
        type = writerType;
      });
      decoder.on('data', (bytes: Buffer) => {
        if (found.length >= limit || !needles.some((needle) => bytes.includes(needle))) return;
        const record = type!.fromBuffer(bytes) as LakeRecord;
        if (lakeRecordMatches(matcher, record)) found.push(record);
        if (found.length >= limit) resolve();
      });
      decoder.once('end', resolve);
      decoder.once('error', reject);
      stored.body.once('error', reject);
      stored.body.pipe(decoder);
    });
  } finally {
    stored.body.destroy();
    decoder.destroy();
  }
  return found;
}

/**
 * Writes the lake file again with the person's records anonymized in place (lakeRecords.ts), in
 * its own writer schema, codec and metadata: the file keeps its key, its record count and its
 * schema fingerprint, so merges, archives and `lake verify` agree as before. Answers how many
 * records changed (0: the file was left alone).
 */
export async function anonymizeLakeFile(
  objects: ObjectStore,
  object: StoredObject,
  matcher: PersonMatcher,
  pseudonyms: Pseudonyms,
): Promise<number> {
  if ((await personRecordsIn(objects, object.key, matcher, 1)).length === 0) return 0;
  const stored = await objects.get(object.key);
  if (!stored) return 0;
  const decoder = new streams.BlockDecoder();
  stored.body.on('error', (error) => decoder.destroy(error));
  const [type, codec, info] = (await startDecoding(stored.body, decoder)) as [
    Type,
    string,
    { meta: Record<string, Buffer> },
  ];
  const { 'avro.schema': schema, 'avro.codec': _codec, ...metadata } = info.meta;
  // avsc writes `metadata` into the header beside the schema and codec (its typings omit the option)
  const options = { codec, metadata } as { codec: string };
  const encoder = new streams.BlockEncoder(JSON.parse(schema!.toString('utf8')), options);
  encoder.on('typeError', (error: Error) => encoder.destroy(error));
  const upload = objects.put(object.key, encoder, object.contentType);
  upload.catch(() => undefined);
  let changed = 0;
  try {
    for await (const record of decoder as AsyncIterable<LakeRecord>) {
      const matched = lakeRecordMatches(matcher, record);
      if (matched) changed += 1;
      if (!encoder.write(matched ? anonymizedRecord(type, record, pseudonyms, matcher) : record)) {
        await once(encoder, 'drain');
      }
    }
  } catch (error) {
    encoder.destroy(error as Error);
    await upload.catch(() => undefined);
    throw error;
  } finally {
    stored.body.destroy();
  }
  encoder.end();
  await upload;
  return changed;
}

/** Pipes the file into the decoder and waits for its header (writer type, codec, metadata). */
function startDecoding(body: Readable, decoder: streams.BlockDecoder): Promise<unknown[]> {
  const header = once(decoder, 'metadata');
  body.pipe(decoder);
  return header;
}
