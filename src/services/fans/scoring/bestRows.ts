const FIRST_CAPACITY = 1024;

/**
 * The best row of each fan of a file (first pass of the scrub and of a fanlist): the highest
 * score, the earlier row on a tie. A fan is an id within a scope (a campaign, say), and is held
 * in typed arrays rather than as strings and objects, so a file of tens of millions of fans
 * costs the garbage collector nothing to trace: per distinct fan its key's bytes (the scope's
 * number and the id, one byte a character for ASCII), its best row and score, its key's hash
 * and end, and a slot of an open-addressing table: about 50 bytes for a 9-character id.
 * The second pass needs only which rows are best: `bestRows()`, a bit per row.
 */
export class BestRows {
  private readonly scopes = new Map<string, number>();
  /** Slot + 1 of each fan by its hash (linear probing); 0 is a free place. At most half full. */
  private table = new Int32Array(FIRST_CAPACITY * 2);
  private hashes = new Int32Array(FIRST_CAPACITY);
  /** Where each fan's key ends in `keys`; it starts where the previous one ends. */
  private keyEnds = new Float64Array(FIRST_CAPACITY);
  private rows = new Float64Array(FIRST_CAPACITY);
  private scores = new Float64Array(FIRST_CAPACITY);
  private keys = new Uint8Array(FIRST_CAPACITY * 16);
  private keyBytes = 0;
  private count = 0;
  /** The key being offered, encoded. */
  private key = new Uint8Array(64);

  /** Offers row `row` (its line in the file) of fan `id` of `scope` with `score`. */
  offer(scope: string, id: string, row: number, score: number): void {
    const length = this.encode(this.scopeNumber(scope), id);
    const hash = hashOf(this.key, length);
    const mask = this.table.length - 1;
    for (let at = hash & mask; ; at = (at + 1) & mask) {
      const slot = this.table[at]! - 1;
      if (slot === -1) {
        this.add(at, hash, length, row, score);
        return;
      }
      if (this.hashes[slot] === hash && this.holdsKey(slot, length)) {
        if (score > this.scores[slot]!) {
          this.rows[slot] = row;
          this.scores[slot] = score;
        }
        return;
      }
    }
  }

  /** The scopes offered, in the order first seen. */
  get scopesSeen(): IterableIterator<string> {
    return this.scopes.keys();
  }

  get fans(): number {
    return this.count;
  }

  /** The rows that are their fan's best. */
  bestRows(): RowSet {
    let lastRow = 0;
    for (let slot = 0; slot < this.count; slot++) lastRow = Math.max(lastRow, this.rows[slot]!);
    const rows = new RowSet(lastRow);
    for (let slot = 0; slot < this.count; slot++) rows.add(this.rows[slot]!);
    return rows;
  }

  private scopeNumber(scope: string): number {
    let number = this.scopes.get(scope);
    if (number === undefined) {
      number = this.scopes.size;
      this.scopes.set(scope, number);
    }
    return number;
  }

  /**
   * Writes the scope's number (7 bits a byte) and the id's UTF-16 code units (1 byte below
   * 0x80, 2 below 0x800, else 3, as UTF-8 writes them: lone surrogates included) to `key`:
   * two fans have the same bytes only when they are the same fan. Answers the length.
   */
  private encode(scope: number, id: string): number {
    if (this.key.length < 5 + id.length * 3) this.key = new Uint8Array(nextPowerOfTwo(5 + id.length * 3));
    const key = this.key;
    let at = 0;
    for (; scope >= 0x80; scope = Math.floor(scope / 0x80)) key[at++] = 0x80 | (scope % 0x80);
    key[at++] = scope;
    for (let i = 0; i < id.length; i++) {
      const code = id.charCodeAt(i);
      if (code < 0x80) key[at++] = code;
      else if (code < 0x800) {
        key[at++] = 0xc0 | (code >> 6);
        key[at++] = 0x80 | (code & 0x3f);
      } else {
        key[at++] = 0xe0 | (code >> 12);
        key[at++] = 0x80 | ((code >> 6) & 0x3f);
        key[at++] = 0x80 | (code & 0x3f);
      }
    }
    return at;
  }

  private holdsKey(slot: number, length: number): boolean {
    const start = slot === 0 ? 0 : this.keyEnds[slot - 1]!;
    if (this.keyEnds[slot]! - start !== length) return false;
    for (let i = 0; i < length; i++) if (this.keys[start + i] !== this.key[i]) return false;
    return true;
  }

  private add(at: number, hash: number, length: number, row: number, score: number): void {
    if (this.count === this.rows.length) this.growSlots();
    if (this.keyBytes + length > this.keys.length) this.keys = grown(this.keys, this.keyBytes + length);
    this.keys.set(this.key.subarray(0, length), this.keyBytes);
    this.keyBytes += length;
    const slot = this.count++;
    this.keyEnds[slot] = this.keyBytes;
    this.hashes[slot] = hash;
    this.rows[slot] = row;
    this.scores[slot] = score;
    this.table[at] = slot + 1;
    if (this.count * 2 > this.table.length) this.growTable();
  }

  private growSlots(): void {
    const capacity = this.rows.length * 2;
    this.hashes = grown(this.hashes, capacity);
    this.keyEnds = grown(this.keyEnds, capacity);
    this.rows = grown(this.rows, capacity);
    this.scores = grown(this.scores, capacity);
  }

  private growTable(): void {
    const table = new Int32Array(this.table.length * 2);
    const mask = table.length - 1;
    for (let slot = 0; slot < this.count; slot++) {
      let at = this.hashes[slot]! & mask;
      while (table[at] !== 0) at = (at + 1) & mask;
      table[at] = slot + 1;
    }
    this.table = table;
  }
}

/** Row numbers (non-negative integers) as a bit each. */
export class RowSet {
  private readonly bits: Uint32Array;

  constructor(lastRow: number) {
    this.bits = new Uint32Array(Math.floor(lastRow / 32) + 1);
  }

  add(row: number): void {
    this.bits[Math.floor(row / 32)]! |= 1 << (row % 32);
  }

  has(row: number): boolean {
    const word = this.bits[Math.floor(row / 32)];
    return word !== undefined && (word & (1 << (row % 32))) !== 0;
  }
}

/** FNV-1a over the bytes, then MurmurHash3's finalizer so that keys differing in their last byte spread apart. */
function hashOf(bytes: Uint8Array, length: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < length; i++) hash = Math.imul(hash ^ bytes[i]!, 0x01000193);
  hash = Math.imul(hash ^ (hash >>> 16), 0x85ebca6b);
  hash = Math.imul(hash ^ (hash >>> 13), 0xc2b2ae35);
  return hash ^ (hash >>> 16);
}

const nextPowerOfTwo = (value: number) => 2 ** Math.ceil(Math.log2(value));

function grown<T extends Uint8Array | Int32Array | Float64Array>(array: T, atLeast: number): T {
  const copy = new (array.constructor as new (length: number) => T)(Math.max(array.length * 2, atLeast));
  copy.set(array);
  return copy;
}
