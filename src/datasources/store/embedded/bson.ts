import { BSON, type Document } from 'bson';

/**
 * Documents are stored as BSON and read back with the options the MongoDB driver uses by
 * default, so values round-trip exactly as they do through the driver: int32 and double become
 * numbers, a Long that fits in 53 bits becomes a number, Decimal128, ObjectId, Binary, Date and
 * null stay what they are, and `undefined` fields are stored as null (ignoreUndefined: false).
 */
export type { Document };

export function serialize(document: Document): Buffer {
  const bytes = BSON.serialize(document, { ignoreUndefined: false });
  // A view, not a copy: bson returns a fresh Uint8Array per call.
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export function deserialize(bytes: Uint8Array): Document {
  return BSON.deserialize(bytes, { promoteLongs: true, promoteValues: true, promoteBuffers: false });
}
