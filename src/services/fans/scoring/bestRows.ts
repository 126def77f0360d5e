/** Maps per shard: one Map holds at most 2^24 keys, a scored file may hold more fans. */
const SHARDS = 16;

/**
 * The best row of each fan of a file (first pass of the scrub): the highest score, the earlier
 * row on a tie. About 100 bytes per distinct fan (the key and two numbers), not per row.
 */
export class BestRows {
  private readonly slots = Array.from({ length: SHARDS }, () => new Map<string, number>());
  private rows = new Float64Array(1024);
  private scores = new Float64Array(1024);
  private count = 0;

  /** Offers row `row` (its position in the file) of fan `fanKey` with `score`. */
  offer(fanKey: string, row: number, score: number): void {
    const shard = this.shardOf(fanKey);
    const slot = shard.get(fanKey);
    if (slot === undefined) {
      if (this.count === this.rows.length) this.grow();
      shard.set(fanKey, this.count);
      this.rows[this.count] = row;
      this.scores[this.count] = score;
      this.count += 1;
    } else if (score > this.scores[slot]!) {
      this.rows[slot] = row;
      this.scores[slot] = score;
    }
  }

  /** True when `row` is the best row of `fanKey`. */
  isBest(fanKey: string, row: number): boolean {
    const slot = this.shardOf(fanKey).get(fanKey);
    return slot !== undefined && this.rows[slot] === row;
  }

  get fans(): number {
    return this.count;
  }

  private shardOf(fanKey: string): Map<string, number> {
    return this.slots[fanKey.charCodeAt(fanKey.length - 1) % SHARDS]!;
  }

  private grow(): void {
    const rows = new Float64Array(this.rows.length * 2);
    rows.set(this.rows);
    this.rows = rows;
    const scores = new Float64Array(this.scores.length * 2);
    scores.set(this.scores);
    this.scores = scores;
  }
}
