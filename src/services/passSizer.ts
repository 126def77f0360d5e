import type { WriteHolds } from '../datasources/store';

export interface PassSizerOptions {
  /** Most rows a pass writes. */
  maxRows: number;
  /** Fewest rows a pass writes, however long they hold the event loop. */
  minRows: number;
  /** The rows of a pass before any has been measured. */
  firstRows: number;
  /** How long one of the pass's groups of writes may hold the event loop, in ms. */
  holdBudgetMs: number;
  /** The collections whose writes the pass makes (and whose holds are its own). */
  collections: readonly string[];
  /** The embedded engine's record of its writes' holds; without it (MongoDB) every pass is `maxRows`. */
  holds?: WriteHolds;
}

/**
 * How many rows a writer puts in one pass (one commit of their writes), so that on the embedded
 * engine no pass holds the event loop much over `holdBudgetMs`: the cost of a row inside the
 * transaction grows with the trees it writes into (more so with keys that land all over them),
 * so it is measured from the passes themselves (the longest of each pass's write groups over its
 * rows, smoothed) rather than fixed.
 */
export class PassSizer {
  /** Smoothed ms of the event loop each row of a pass held it. */
  private msPerRow: number | undefined;

  constructor(private readonly options: PassSizerOptions) {}

  /** Rows for the next pass. */
  rows(): number {
    const { maxRows, minRows, firstRows, holdBudgetMs, holds } = this.options;
    if (!holds) return maxRows;
    const wanted = this.msPerRow === undefined ? firstRows : Math.floor(holdBudgetMs / this.msPerRow);
    return Math.max(minRows, Math.min(maxRows, wanted));
  }

  /** Runs one pass of `rows` rows and learns from how long its writes held the event loop. */
  async measure<T>(rows: number, pass: () => Promise<T>): Promise<T> {
    const { holds, collections } = this.options;
    if (!holds || rows === 0) return pass();
    const mark = holds.mark();
    const result = await pass();
    const longest = holds.longestSince(mark, collections);
    if (longest > 0) {
      const measured = longest / rows;
      this.msPerRow = this.msPerRow === undefined ? measured : (this.msPerRow + measured) / 2;
    }
    return result;
  }
}
