import type { Binary, ObjectId, Timestamp, BSONRegExp } from 'bson';

/**
 * Order-preserving binary encoding of BSON values: comparing two encodings byte by byte
 * (Buffer.compare) orders them as MongoDB orders BSON values, across types:
 * MinKey < null/missing < numbers < strings < objects < arrays < binData < ObjectId
 * < booleans < dates < timestamps < regular expressions < MaxKey.
 *
 * Every encoding is self-delimiting (no encoding is a prefix of another), so components can be
 * concatenated into compound index keys, and a descending component is the bitwise complement
 * of its ascending encoding.
 */

export const TAG = {
  minKey: 0x01,
  null: 0x05,
  number: 0x10,
  string: 0x20,
  object: 0x30,
  array: 0x40,
  binary: 0x50,
  objectId: 0x60,
  boolean: 0x70,
  date: 0x80,
  timestamp: 0x90,
  regex: 0xa0,
  maxKey: 0xfe,
} as const;

/** A byte that is greater than the first byte of any encoding: appended to make a bound exclusive. */
export const AFTER = 0xff;

type Bytes = number[];

function bsonTypeOf(value: unknown): string | undefined {
  if (value !== null && typeof value === 'object') {
    return (value as { _bsontype?: string })._bsontype;
  }
  return undefined;
}

/** Writes a double at `offset` in 8 bytes whose unsigned order is the numeric order. */
function writeOrderedDouble(buf: Buffer, offset: number, n: number): void {
  if (Number.isNaN(n)) {
    // MongoDB orders NaN before every other number; eight zero bytes sort below -Infinity.
    buf.fill(0, offset, offset + 8);
    return;
  }
  buf.writeDoubleBE(n === 0 ? 0 : n, offset);
  if (buf[offset]! & 0x80) {
    for (let i = offset; i < offset + 8; i++) buf[i] = ~buf[i]! & 0xff;
  } else {
    buf[offset] = buf[offset]! | 0x80;
  }
}

function pushDouble(out: Bytes, n: number): void {
  const buf = Buffer.allocUnsafe(8);
  writeOrderedDouble(buf, 0, n);
  for (let i = 0; i < 8; i++) out.push(buf[i]!);
}

function pushBytes(out: Bytes, bytes: Uint8Array): void {
  for (let i = 0; i < bytes.length; i++) out.push(bytes[i]!);
}

function pushString(out: Bytes, s: string): void {
  const utf8 = Buffer.from(s, 'utf8');
  for (const byte of utf8) {
    // 0x00 is escaped so that the 0x00 0x00 terminator sorts before any continuation.
    if (byte === 0) out.push(0, 0xff);
    else out.push(byte);
  }
  out.push(0, 0);
}

/** Numeric value of int, double, Long, Int32, Double and Decimal128 (precision beyond 2^53 is rounded). */
export function numericValue(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  const type = bsonTypeOf(value);
  if (type === 'Long' || type === 'Int32' || type === 'Double' || type === 'Decimal128') {
    return Number((value as { toString(): string }).toString());
  }
  return undefined;
}

function pushObject(out: Bytes, value: Record<string, unknown>): void {
  out.push(TAG.object);
  for (const [name, field] of Object.entries(value)) {
    if (field === undefined) continue;
    out.push(0x01);
    pushString(out, name);
    pushValue(out, field);
  }
  out.push(0);
}

function pushBsonValue(out: Bytes, value: object, type: string): boolean {
  switch (type) {
    case 'ObjectId':
      out.push(TAG.objectId, ...(value as ObjectId).id);
      return true;
    case 'Binary': {
      const bin = value as Binary;
      const len = Buffer.allocUnsafe(4);
      len.writeUInt32BE(bin.position);
      out.push(TAG.binary, ...len, bin.sub_type);
      pushBytes(out, bin.buffer.subarray(0, bin.position));
      return true;
    }
    case 'Timestamp': {
      const ts = value as Timestamp;
      const buf = Buffer.allocUnsafe(8);
      buf.writeUInt32BE(ts.high >>> 0, 0);
      buf.writeUInt32BE(ts.low >>> 0, 4);
      out.push(TAG.timestamp, ...buf);
      return true;
    }
    case 'BSONRegExp': {
      const re = value as BSONRegExp;
      out.push(TAG.regex);
      pushString(out, re.pattern);
      pushString(out, re.options);
      return true;
    }
    case 'MinKey':
      out.push(TAG.minKey);
      return true;
    case 'MaxKey':
      out.push(TAG.maxKey);
      return true;
    case 'BSONSymbol':
      out.push(TAG.string);
      pushString(out, String((value as { value: string }).value));
      return true;
    default:
      return false;
  }
}

function pushValue(out: Bytes, value: unknown): void {
  if (value === null || value === undefined) {
    out.push(TAG.null);
    return;
  }
  const num = numericValue(value);
  if (num !== undefined) {
    out.push(TAG.number);
    pushDouble(out, num);
    return;
  }
  if (typeof value === 'string') {
    out.push(TAG.string);
    pushString(out, value);
  } else if (typeof value === 'boolean') {
    out.push(TAG.boolean, value ? 1 : 0);
  } else if (value instanceof Date) {
    out.push(TAG.date);
    pushDouble(out, value.getTime());
  } else if (value instanceof RegExp) {
    out.push(TAG.regex);
    pushString(out, value.source);
    pushString(out, value.flags);
  } else if (Array.isArray(value)) {
    out.push(TAG.array);
    for (const element of value) pushValue(out, element);
    out.push(0);
  } else if (Buffer.isBuffer(value) || value instanceof Uint8Array) {
    const len = Buffer.allocUnsafe(4);
    len.writeUInt32BE(value.length);
    out.push(TAG.binary, ...len, 0);
    pushBytes(out, value);
  } else if (typeof value === 'object') {
    const type = bsonTypeOf(value);
    if (type === undefined || !pushBsonValue(out, value, type)) {
      pushObject(out, value as Record<string, unknown>);
    }
  } else {
    throw new Error(`cannot encode a value of type ${typeof value} as a key`);
  }
}

/** Longest string tried as ASCII byte by byte: ids, e-mails, names, URLs of most keys. */
const SHORT_STRING = 128;

/**
 * A short ASCII string without NUL bytes, copied byte by byte: for such keys that is cheaper
 * than measuring and writing UTF-8 through Buffer's native calls. Undefined for anything else.
 */
function encodeShortAscii(value: string): Buffer | undefined {
  const length = value.length;
  if (length > SHORT_STRING) return undefined;
  const buf = Buffer.allocUnsafe(length + 3);
  buf[0] = TAG.string;
  for (let i = 0; i < length; i++) {
    const code = value.charCodeAt(i);
    if (code === 0 || code >= 0x80) return undefined;
    buf[i + 1] = code;
  }
  buf[length + 1] = 0;
  buf[length + 2] = 0;
  return buf;
}

/** Strings without NUL bytes, the usual key: written straight into a buffer. */
function encodeSimpleString(value: string): Buffer | undefined {
  const ascii = encodeShortAscii(value);
  if (ascii) return ascii;
  if (value.includes('\0')) return undefined;
  const length = Buffer.byteLength(value);
  const buf = Buffer.allocUnsafe(length + 3);
  buf[0] = TAG.string;
  buf.write(value, 1);
  buf[length + 1] = 0;
  buf[length + 2] = 0;
  return buf;
}

/** A tag and a double (plain numbers, dates) written straight into a buffer. */
function encodeTaggedDouble(tag: number, n: number): Buffer {
  const buf = Buffer.allocUnsafe(9);
  buf[0] = tag;
  writeOrderedDouble(buf, 1, n);
  return buf;
}

/**
 * The usual key values (strings, numbers, dates, ObjectIds: every upserted document's _id)
 * written straight into a buffer; other values go through the general byte-array encoder.
 */
function encodeCommonScalar(value: unknown): Buffer | undefined {
  if (typeof value === 'string') return encodeSimpleString(value);
  if (typeof value === 'number') return encodeTaggedDouble(TAG.number, value);
  if (value instanceof Date) return encodeTaggedDouble(TAG.date, value.getTime());
  if (bsonTypeOf(value) === 'ObjectId') {
    const buf = Buffer.allocUnsafe(13);
    buf[0] = TAG.objectId;
    buf.set((value as ObjectId).id, 1);
    return buf;
  }
  return undefined;
}

/** Encodes one value; `descending` complements the bytes so that the order is reversed. */
export function encodeKey(value: unknown, descending = false): Buffer {
  let buf = encodeCommonScalar(value);
  if (!buf) {
    const out: Bytes = [];
    pushValue(out, value);
    buf = Buffer.from(out);
  }
  if (descending) complementInPlace(buf);
  return buf;
}

export function complementInPlace(buf: Buffer): Buffer {
  for (let i = 0; i < buf.length; i++) buf[i] = ~buf[i]! & 0xff;
  return buf;
}

/** Canonical type tag of a value (its first encoded byte), used to bracket range queries by type. */
export function typeTag(value: unknown): number {
  return encodeKey(value)[0]!;
}

/** Compares two values in MongoDB's BSON order. */
export function compareValues(a: unknown, b: unknown): number {
  return Buffer.compare(encodeKey(a), encodeKey(b));
}
