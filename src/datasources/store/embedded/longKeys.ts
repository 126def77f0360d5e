import { createHash } from 'node:crypto';
import { AFTER, complementInPlace, encodeKey } from './keyCodec';

/**
 * MongoDB (4.2 and later) indexes values of any length; an LMDB key is at most 1,978 bytes
 * (lmdb-js's limit with 4 KiB pages). So a key component whose encoding is longer than its share
 * of that budget is stored shortened: its first bytes, the marker 0x00 0x01 and the SHA-256 of
 * the whole encoding. Such keys keep what the planner relies on:
 * - equal values have equal keys, different values different ones (a hash collision aside;
 *   plans over shortened keys test the documents anyway, so the whole value decides a match);
 * - a value stored whole orders against a shortened one as the values do, because the encoding
 *   is self-delimiting and every encoding longer than the cut is shortened, so two keys differ
 *   within the kept bytes unless both are shortened with the same kept bytes;
 * - only shortened values with the same kept bytes are out of order (by hash): range bounds on
 *   them widen to every key with those bytes (`rangeStart`, `rangeEnd`), and sorts given by an
 *   index put them back in order (longKeyOrder.ts);
 * - keyDecode.ts never reads a shortened key back: the marker ends no encoding it reads.
 */

/** lmdb-js's longest key with 4 KiB pages (`env.maxKeySize`). */
const MAX_KEY_BYTES = 1978;
/** The collection or index id every key starts with (catalog.ts `prefixOf`). */
const TABLE_PREFIX_BYTES = 4;
const MARKER = [0x00, 0x01];
const HASH_BYTES = 32;
/** What a shortened key adds to its cut: a byte to end on a whole 0x00 pair, the marker, the hash. */
const SHORTENED_EXTRA = 1 + MARKER.length + HASH_BYTES;

/** `_id` keys of the documents table: shortened only near what LMDB could store whole at all. */
export const ID_KEY_LIMIT = MAX_KEY_BYTES - TABLE_PREFIX_BYTES;
/** The `_id` suffix of a non-unique index entry, which only has to tell documents apart. */
const ENTRY_ID_LIMIT = 256;

/** Longest stored component of an index of `arity` fields: they share what the `_id` suffix leaves. */
export function componentLimit(arity: number): number {
  return Math.floor((MAX_KEY_BYTES - TABLE_PREFIX_BYTES - ENTRY_ID_LIMIT) / arity);
}

/** Encodings longer than this many bytes are shortened to fit in `limit`. */
function cutOf(limit: number): number {
  return limit - SHORTENED_EXTRA;
}

/** The bytes a shortened encoding keeps: the cut, one more when it would end inside a 0x00 pair. */
function keptLength(encoded: Buffer, limit: number): number {
  const cut = cutOf(limit);
  return encoded[cut - 1] === 0 ? cut + 1 : cut;
}

function shorten(encoded: Buffer, limit: number): Buffer {
  const kept = keptLength(encoded, limit);
  const hash = createHash('sha256').update(encoded).digest();
  return Buffer.concat([encoded.subarray(0, kept), Buffer.from(MARKER), hash]);
}

/** Values whose encoding surely fits in `cut` bytes, told without encoding them (planners ask per call). */
function surelyFits(value: unknown, cut: number): boolean {
  // A UTF-16 unit takes at most 3 bytes of UTF-8 (a NUL 2, escaped); the tag and terminator 3 more.
  if (typeof value === 'string') return value.length * 3 + 3 <= cut;
  if (value === null || value === undefined || typeof value === 'number' || typeof value === 'boolean') return true;
  return value instanceof Date || (value as { _bsontype?: string })._bsontype === 'ObjectId';
}

/** Whether a value's encoding is too long to be stored whole within `limit`. */
export function isShortened(value: unknown, limit: number): boolean {
  const cut = cutOf(limit);
  return !surelyFits(value, cut) && encodeKey(value).length > cut;
}

/** The key component stored for `value` (complemented when descending), at most `limit` bytes. */
export function storedKey(value: unknown, descending: boolean, limit: number): Buffer {
  const encoded = encodeKey(value);
  const stored = encoded.length > cutOf(limit) ? shorten(encoded, limit) : encoded;
  return descending ? complementInPlace(stored) : stored;
}

/** The `_id` key of a document in the documents table. */
export function storedIdKey(id: unknown): Buffer {
  return storedKey(id, false, ID_KEY_LIMIT);
}

/** The documents-table key of an `_id` encoding (the same buffer when it is stored whole). */
export function fitIdKey(encoded: Buffer): Buffer {
  return encoded.length > cutOf(ID_KEY_LIMIT) ? shorten(encoded, ID_KEY_LIMIT) : encoded;
}

/** The `_id` suffix of a non-unique index entry, from the document's `_id` key. */
export function entryIdSuffix(idKey: Buffer): Buffer {
  return idKey.length > cutOf(ENTRY_ID_LIMIT) ? shorten(idKey, ENTRY_ID_LIMIT) : idKey;
}

/** The kept bytes of a value stored shortened (complemented when descending), or undefined when it is stored whole. */
function keptBytes(value: unknown, descending: boolean, limit: number): Buffer | undefined {
  if (surelyFits(value, cutOf(limit))) return undefined;
  const encoded = encodeKey(value);
  if (encoded.length <= cutOf(limit)) return undefined;
  const kept = Buffer.from(encoded.subarray(0, keptLength(encoded, limit)));
  return descending ? complementInPlace(kept) : kept;
}

/** The smallest key after every key starting with `bytes` (kept bytes start with a type tag, never 0xFF). */
function successor(bytes: Buffer): Buffer {
  let end = bytes.length;
  while (end > 0 && bytes[end - 1] === 0xff) end--;
  const next = Buffer.from(bytes.subarray(0, end));
  next[end - 1]! += 1;
  return next;
}

const after = (key: Buffer) => Buffer.concat([key, Buffer.from([AFTER])]);

/** Where a range from `value` starts: at (or after) its key, or at the first key sharing its kept bytes. */
export function rangeStart(value: unknown, inclusive: boolean, descending: boolean, limit: number): Buffer {
  const kept = keptBytes(value, descending, limit);
  if (kept) return kept;
  const key = storedKey(value, descending, limit);
  return inclusive ? key : after(key);
}

/** Where a range to `value` ends (exclusive): after (or at) its key, or after the last key sharing its kept bytes. */
export function rangeEnd(value: unknown, inclusive: boolean, descending: boolean, limit: number): Buffer {
  const kept = keptBytes(value, descending, limit);
  if (kept) return successor(kept);
  const key = storedKey(value, descending, limit);
  return inclusive ? after(key) : key;
}

/**
 * What orders a value stored shortened among the keys of an index: its kept bytes, or undefined
 * when it is stored whole (and its key alone orders it).
 */
export function orderPrefix(value: unknown, limit: number): Buffer | undefined {
  return keptBytes(value, false, limit);
}
