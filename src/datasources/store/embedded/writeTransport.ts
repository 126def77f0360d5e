import { Binary, BSON, type Document } from 'bson';
import { MongoAPIError, MongoInvalidArgumentError, MongoServerError } from 'mongodb';
import { deserialize } from './bson';
import { UnsupportedIndexError } from './catalog';
import type { BulkOperation } from './bulk';
import type { WriteCall } from './writeCalls';
import { decodedInsert, preparedInsert } from './writes';

/**
 * How write calls, their answers and their errors cross between the service's thread and the
 * store's writer thread: as BSON, so ObjectIds, Decimal128s, Binary subtypes and dates arrive as
 * they left. Calls keep `undefined` inside documents as null, as the driver sends it; an option
 * left undefined is left out, so it stays unset.
 */

/**
 * js-bson serializes into one shared buffer, 17 MB at first: a larger payload (a document near
 * MongoDB's 16 MB limit with its call around it) grows it once.
 */
function toBson(value: Document, ignoreUndefined: boolean): Uint8Array {
  try {
    return BSON.serialize(value, { ignoreUndefined });
  } catch (error) {
    const size = BSON.calculateObjectSize(value, { ignoreUndefined });
    if (size <= internalBufferBytes) throw error;
    internalBufferBytes = size;
    BSON.setInternalBufferSize(size);
    return BSON.serialize(value, { ignoreUndefined });
  }
}

let internalBufferBytes = 17_825_792;

function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as T;
}

/**
 * An inserted document as it crosses: the encoding withId made of it when the call was made (so
 * it is encoded once, here, and only decoded there), or the document itself.
 */
function insertOut(document: Document): Document {
  const prepared = preparedInsert(document);
  return prepared ? { bytes: prepared.bytes, generated: prepared.generated } : { document };
}

function insertIn(crossed: Document): Document {
  if (!(crossed.bytes instanceof Binary)) return crossed.document as Document;
  const { buffer } = crossed.bytes;
  return decodedInsert(Buffer.from(buffer.buffer, buffer.byteOffset, buffer.byteLength), crossed.generated === true);
}

/** A write call encoded: the call, and a bulk write's operations each apart (any number, each within BSON's size). */
export interface EncodedCall {
  call: Uint8Array;
  operations?: Uint8Array[];
}

/** A write call as the writer thread receives it. */
export function encodeCall(call: WriteCall): EncodedCall {
  const shaped: Document = defined(call);
  if ('options' in call) shaped.options = defined(call.options);
  if (call.kind === 'insertOne') shaped.document = insertOut(call.document);
  if (call.kind !== 'bulkWrite') return { call: toBson(shaped, false) };
  delete shaped.operations;
  const operations = call.operations.map((operation) => {
    if ('insertOne' in operation) return toBson({ insertOne: insertOut(operation.insertOne.document) }, false);
    const [kind, model] = Object.entries(operation)[0]!;
    return toBson({ [kind]: defined(model as object) }, false);
  });
  return { call: toBson(shaped, false), operations };
}

export function decodeCall(encoded: EncodedCall): WriteCall {
  const call = deserialize(encoded.call) as WriteCall;
  if (call.kind === 'insertOne') call.document = insertIn(call.document);
  if (call.kind === 'bulkWrite') {
    call.operations = (encoded.operations ?? []).map((bytes) => {
      const operation = deserialize(bytes) as BulkOperation;
      return 'insertOne' in operation ? { insertOne: { document: insertIn(operation.insertOne) } } : operation;
    });
  }
  return call;
}

/** A write call's answer, `undefined` fields left out (an upsert's null _id stays null). */
export function encodeResult(value: unknown): Uint8Array {
  return toBson({ value }, true);
}

export function decodeResult(bytes: Uint8Array): unknown {
  return deserialize(bytes).value;
}

/** The error classes a write call may throw, rebuilt by name on the service's thread. */
const ERROR_PROTOTYPES: Record<string, object> = {
  MongoInvalidArgumentError: MongoInvalidArgumentError.prototype,
  MongoAPIError: MongoAPIError.prototype,
  UnsupportedIndexError: UnsupportedIndexError.prototype,
  TypeError: TypeError.prototype,
  RangeError: RangeError.prototype,
};

export function encodeError(error: unknown): Uint8Array {
  if (error instanceof MongoServerError) return toBson({ server: error.errorResponse }, true);
  const failure = error instanceof Error ? error : new Error(String(error));
  const fields: Document = {};
  for (const [key, value] of Object.entries(failure)) if (typeof value !== 'function') fields[key] = value;
  return toBson({ name: failure.constructor.name, message: failure.message, fields }, true);
}

export function decodeError(bytes: Uint8Array): Error {
  const encoded = deserialize(bytes);
  if (encoded.server) return new MongoServerError(encoded.server as never);
  const error = new Error(encoded.message as string);
  const prototype = ERROR_PROTOTYPES[encoded.name as string];
  if (prototype) Object.setPrototypeOf(error, prototype);
  return Object.assign(error, encoded.fields as Document);
}
