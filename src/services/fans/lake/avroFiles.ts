import { once } from 'node:events';
import type { Readable } from 'node:stream';
import { streams, Type, type Schema } from 'avsc';
import type { ObjectStore } from '../../../datasources/objects/port';

/** A container file's writer schema, as its header carries it. */
export interface WriterSchema {
  /** The schema JSON exactly as written (docs, logical types and custom attributes kept). */
  json: string;
  /** sha256 of the schema's parsing canonical form, hex: equal for schemas that read alike. */
  fingerprint: string;
}

/** Thrown for an object that is not a readable Avro object container file. */
export class NotAvroError extends Error {
  constructor(
    readonly key: string,
    reason: string,
  ) {
    super(`${key} is not a readable Avro container file: ${reason}`);
    this.name = 'NotAvroError';
  }
}

export const fingerprintOf = (schema: Schema | Type) =>
  (schema instanceof Type ? schema : Type.forSchema(schema)).fingerprint('sha256').toString('hex');

/** Errors of the bytes' source (a network or disk failure), told apart from a file that is not Avro. */
const sourceErrors = new WeakSet<Error>();

/** Decodes a container file from `body`; the source's errors end the decoder too. */
function decoderOf(body: Readable, options: { readerSchema?: Schema; noDecode?: boolean } = {}) {
  const decoder = new streams.BlockDecoder(options);
  body.on('error', (error) => {
    sourceErrors.add(error);
    decoder.destroy(error);
  });
  body.pipe(decoder);
  return decoder;
}

/** What a failed read throws: the source's own error, or NotAvroError when the bytes are the problem. */
const readFailure = (key: string, error: Error) =>
  sourceErrors.has(error) ? error : new NotAvroError(key, error.message);

/** The writer schema in a container file's header; reads no further than the header. */
export async function readWriterSchema(body: Readable, key: string): Promise<WriterSchema> {
  const decoder = decoderOf(body);
  try {
    const header = new Promise<WriterSchema>((resolve, reject) => {
      decoder.once('metadata', (type: Type, _codec: string, info: { meta: Record<string, Buffer> }) => {
        resolve({ json: info.meta['avro.schema']!.toString('utf8'), fingerprint: fingerprintOf(type) });
      });
      decoder.once('error', (error: Error) => reject(readFailure(key, error)));
      decoder.once('end', () => reject(new NotAvroError(key, 'no container header')));
    });
    decoder.resume();
    return await header;
  } finally {
    body.unpipe(decoder);
    body.destroy();
    decoder.destroy();
  }
}

/**
 * The records of a container file, each read with the file's own writer schema, or resolved
 * into `readerSchema` when given (Avro schema resolution: new fields take their defaults).
 */
export async function* avroRecords(
  body: Readable,
  key: string,
  readerSchema?: Schema,
): AsyncGenerator<Record<string, unknown>> {
  const decoder = decoderOf(body, readerSchema ? { readerSchema } : {});
  try {
    for await (const record of decoder) yield record as Record<string, unknown>;
  } catch (error) {
    throw readFailure(key, error as Error);
  } finally {
    body.destroy();
    decoder.destroy();
  }
}

/** Counts a container file's records without decoding them (each block is inflated, not parsed). */
export async function countAvroRecords(body: Readable, key: string): Promise<number> {
  const decoder = decoderOf(body, { noDecode: true });
  let records = 0;
  decoder.on('data', () => {
    records += 1;
  });
  try {
    await once(decoder, 'end');
  } catch (error) {
    throw readFailure(key, error as Error);
  } finally {
    body.destroy();
  }
  return records;
}

/** An object's body, or an error naming the key: lake files do not vanish between list and read. */
export async function objectBody(objects: ObjectStore, key: string): Promise<Readable> {
  const object = await objects.get(key);
  if (!object) throw new Error(`lake file ${key} is gone`);
  return object.body;
}
