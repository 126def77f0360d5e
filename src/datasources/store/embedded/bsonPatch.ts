import type { Document } from './bson';

const INT32_MIN = -0x80000000;
const INT32_MAX = 0x7fffffff;

/**
 * Encoded size of a top-level value of BSON type `type` at `at`, for the types a stored document
 * round-trips unchanged through deserialize and serialize; undefined for the others (a Long read
 * back as a number is written again as an int32 or a double, so such documents are re-encoded).
 */
function valueSize(bytes: Buffer, type: number, at: number): number | undefined {
  switch (type) {
    case 0x01: // double
    case 0x09: // date
    case 0x11: // timestamp
      return 8;
    case 0x02: // string: length (with its NUL) then bytes
      return 4 + bytes.readInt32LE(at);
    case 0x03: // document
    case 0x04: // array
      return bytes.readInt32LE(at);
    case 0x05: // binary: length, subtype, bytes
      return 5 + bytes.readInt32LE(at);
    case 0x07: // ObjectId
      return 12;
    case 0x08: // boolean
      return 1;
    case 0x0a: // null
    case 0x7f: // max key
    case 0xff: // min key
      return 0;
    case 0x10: // int32
      return 4;
    case 0x13: // decimal128
      return 16;
    default:
      return undefined;
  }
}

const isInt32 = (value: number) => Number.isInteger(value) && value >= INT32_MIN && value <= INT32_MAX;

/**
 * Writes `value` over the `size` bytes of a value of BSON type `type` at `at`, when the
 * serializer would encode it with that same type and size; false otherwise.
 */
function overwrite(out: Buffer, type: number, at: number, size: number, value: unknown): boolean {
  switch (type) {
    case 0x08:
      if (typeof value !== 'boolean') return false;
      out[at] = value ? 1 : 0;
      return true;
    case 0x10:
      if (typeof value !== 'number' || !isInt32(value) || Object.is(value, -0)) return false;
      out.writeInt32LE(value, at);
      return true;
    case 0x01:
      if (typeof value !== 'number' || (isInt32(value) && !Object.is(value, -0))) return false;
      out.writeDoubleLE(value, at);
      return true;
    case 0x09: {
      if (!(value instanceof Date)) return false;
      const time = value.getTime();
      if (!Number.isSafeInteger(time)) return false;
      out.writeBigInt64LE(BigInt(time), at);
      return true;
    }
    case 0x02:
      if (typeof value !== 'string' || Buffer.byteLength(value) !== size - 5) return false;
      out.write(value, at + 4, 'utf8');
      return true;
    default:
      return false;
  }
}

/** Where the element name at `start` ends (its NUL) when it is `field`; -1 when it is another. */
function endOfName(bytes: Buffer, start: number, field: string): number {
  const length = field.length;
  for (let i = 0; i < length; i++) {
    const code = field.charCodeAt(i);
    // Names beyond ASCII (rare) are compared as decoded UTF-8.
    if (code >= 0x80) {
      const end = bytes.indexOf(0, start);
      return end >= 0 && bytes.toString('utf8', start, end) === field ? end : -1;
    }
    if (bytes[start + i] !== code) return -1;
  }
  return bytes[start + length] === 0 ? start + length : -1;
}

/**
 * The BSON of `after` made from the stored bytes of `before` when the two have the same fields
 * in the same order and every changed one keeps its BSON type and size (a flag, a date, a count,
 * a token of the same length): a copy with those values written over, byte for byte what
 * serializing `after` gives, without encoding the rest again (a queue message's body, a click
 * row's values). `bytes` itself when nothing changed; undefined when the layout changes.
 */
export function patchedBytes(bytes: Buffer, before: Document, after: Document): Buffer | undefined {
  const fields = Object.keys(after);
  const previous = Object.keys(before);
  if (fields.length !== previous.length) return undefined;
  let out: Buffer | undefined;
  let offset = 4;
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i]!;
    if (previous[i] !== field) return undefined;
    const type = bytes[offset]!;
    const nameEnd = endOfName(bytes, offset + 1, field);
    if (nameEnd < 0) return undefined;
    const at = nameEnd + 1;
    const size = valueSize(bytes, type, at);
    if (size === undefined) return undefined;
    const value = after[field];
    if (value !== before[field]) {
      out ??= Buffer.from(bytes);
      if (!overwrite(out, type, at, size, value)) return undefined;
    }
    offset = at + size;
  }
  return bytes[offset] === 0 && offset + 1 === bytes.length ? (out ?? bytes) : undefined;
}
