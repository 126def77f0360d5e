import { ObjectId } from 'bson';
import { TAG } from './keyCodec';

/**
 * Reads values back from ascending key encodings (keyCodec.ts), for queries an index answers
 * without its documents. Only encodings that name their value exactly are read: strings,
 * ObjectIds, dates and booleans. Numbers are not (an int, a double and a Long encode alike),
 * nor null (null and a missing field encode alike), nor anything else: for those the caller
 * reads the document, so what it returns is always what the document holds.
 */

/** A value read back, or undefined when the encoding at `offset` is not one read here. */
interface Decoded {
  value: unknown;
  end: number;
}

function decodeString(key: Buffer, offset: number): Decoded | undefined {
  let end = offset;
  // A NUL inside the string is written 0x00 0xFF: such (rare) strings are left to the document.
  while (end < key.length && key[end] !== 0) end++;
  if (end + 1 >= key.length || key[end + 1] !== 0) return undefined;
  return { value: key.toString('utf8', offset, end), end: end + 2 };
}

function decodeOne(key: Buffer, offset: number): Decoded | undefined {
  switch (key[offset]) {
    case TAG.string:
      return decodeString(key, offset + 1);
    case TAG.objectId:
      return offset + 13 <= key.length
        ? { value: new ObjectId(key.subarray(offset + 1, offset + 13)), end: offset + 13 }
        : undefined;
    case TAG.date: {
      if (offset + 9 > key.length) return undefined;
      // The inverse of writeOrderedDouble: positive numbers had their sign bit set, negative ones all bits flipped.
      const bytes = Buffer.from(key.subarray(offset + 1, offset + 9));
      if (bytes[0]! & 0x80) bytes[0] = bytes[0]! & 0x7f;
      else for (let i = 0; i < 8; i++) bytes[i] = ~bytes[i]! & 0xff;
      return { value: new Date(bytes.readDoubleBE(0)), end: offset + 9 };
    }
    case TAG.boolean:
      return offset + 2 <= key.length ? { value: key[offset + 1] === 1, end: offset + 2 } : undefined;
    default:
      return undefined;
  }
}

/** The first `count` components of an ascending compound key, or undefined if one is not read here. */
export function decodeComponents(key: Buffer, offset: number, count: number): unknown[] | undefined {
  const values: unknown[] = [];
  let at = offset;
  for (let i = 0; i < count; i++) {
    const decoded = decodeOne(key, at);
    if (!decoded) return undefined;
    values.push(decoded.value);
    at = decoded.end;
  }
  return values;
}

/** An encoded _id read back, or undefined when it is not one read here. */
export function decodeId(idKey: Buffer): unknown {
  const decoded = decodeOne(idKey, 0);
  return decoded && decoded.end === idKey.length ? decoded.value : undefined;
}
