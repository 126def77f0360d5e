import { once } from 'node:events';
import type { Readable } from 'node:stream';
import { streams, type Schema } from 'avsc';
import type { ObjectStore } from '../../../datasources/objects/port';
import { avroRecords, fingerprintOf } from './avroFiles';
import type { LakeMergeDoc, LakeMergeInput } from './lakeModel';

/** Uncompressed bytes per block of a merged file: larger blocks deflate better and read faster. */
const BLOCK_SIZE = 1024 * 1024;
export const AVRO_CONTENT_TYPE = 'application/avro';

export interface StagedMerge {
  /** Records read from each input, in the manifest's order. */
  inputRecords: number[];
  records: number;
}

/**
 * Streams every input of the merge, record by record, into one deflate container file at the
 * staging key (outside the lake, so no reader sees it yet); nothing is held whole in memory.
 * Each input is read from where it is now: its live key, or its archived key once the move step
 * took it there (a restage after the staged file was lost). Writing the same staging key again
 * is harmless: a put replaces the object whole.
 */
export async function stageMerge(
  objects: ObjectStore,
  merge: LakeMergeDoc,
  onInput?: (done: number, records: number) => Promise<void>,
): Promise<StagedMerge> {
  const schema = JSON.parse(merge.schema) as Schema;
  const target = fingerprintOf(schema);
  const encoder = new streams.BlockEncoder(schema, { codec: 'deflate', blockSize: BLOCK_SIZE });
  // An encoder failure (a record the schema refuses) fails the upload, which reports it below;
  // once the upload has failed nobody else listens to the encoder.
  encoder.on('error', () => undefined);
  const upload = objects.put(merge.stagingKey, encoder, AVRO_CONTENT_TYPE);
  // a failed upload stops the writes that wait for it to drain
  const uploadEnded = upload.then(() => Promise.reject(new Error('the staging upload ended early')));
  uploadEnded.catch(() => undefined);
  const inputRecords: number[] = [];
  let records = 0;
  try {
    for (const input of merge.inputs) {
      const body = await inputBody(objects, input);
      let count = 0;
      for await (const record of avroRecords(
        body,
        input.key,
        input.schemaFingerprint === target ? undefined : schema,
      )) {
        count += 1;
        if (!encoder.write(record)) await Promise.race([once(encoder, 'drain'), uploadEnded]);
      }
      inputRecords.push(count);
      records += count;
      await onInput?.(inputRecords.length, records);
    }
  } catch (error) {
    encoder.destroy();
    await upload.catch(() => undefined);
    throw error;
  }
  encoder.end();
  await upload;
  return { inputRecords, records };
}

async function inputBody(objects: ObjectStore, input: LakeMergeInput): Promise<Readable> {
  const object = (await objects.get(input.key)) ?? (await objects.get(input.archivedKey));
  if (!object) throw new Error(`merge input ${input.key} is neither live nor at ${input.archivedKey}`);
  return object.body;
}
