/** Recent groups remembered per collection: more than the writes of any one caller's pass. */
const KEPT_PER_COLLECTION = 64;

interface Hold {
  seq: number;
  ms: number;
}

/**
 * How long the embedded engine's recent groups of write calls (the calls one event-loop turn
 * issued, which always commit together) held the main thread inside their transaction, by the
 * collections they changed. A writer that chooses how much to write at once reads what its own
 * recent writes cost: `mark()` before them, `longestSince(mark, collections)` after.
 */
export class WriteHolds {
  private seq = 0;
  private readonly byCollection = new Map<string, Hold[]>();

  /** Inside the transaction, after a group ran: its time and the collections it changed. */
  record(ms: number, collections: Iterable<string>): void {
    const seq = ++this.seq;
    for (const name of collections) {
      let holds = this.byCollection.get(name);
      if (!holds) this.byCollection.set(name, (holds = []));
      holds.push({ seq, ms });
      if (holds.length > KEPT_PER_COLLECTION) holds.shift();
    }
  }

  /** A point in the record: groups recorded after it are what `longestSince` reads. */
  mark(): number {
    return this.seq;
  }

  /** The longest hold, in ms, of the groups recorded since `mark` that changed any of `collections`; 0 if none. */
  longestSince(mark: number, collections: readonly string[]): number {
    let longest = 0;
    for (const name of collections) {
      const holds = this.byCollection.get(name) ?? [];
      for (let i = holds.length - 1; i >= 0 && holds[i]!.seq > mark; i--) longest = Math.max(longest, holds[i]!.ms);
    }
    return longest;
  }
}
