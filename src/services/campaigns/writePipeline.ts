/**
 * Keeps up to `depth` bulk writes in flight. The embedded store commits one write while the
 * next one's documents are prepared, and writes started in the same turn share a commit, so a
 * second write in flight hides the commit's wait behind useful work. Callers must only
 * overlap writes that touch different documents (different batches of distinct keys).
 */
export class WritePipeline {
  private readonly inFlight: Promise<void>[] = [];

  constructor(private readonly depth: number) {}

  /** Starts `write` once fewer than `depth` writes are running; rejects with an earlier write's error. */
  async add(write: () => Promise<void>): Promise<void> {
    while (this.inFlight.length >= this.depth) await this.inFlight.shift();
    const running = write();
    // observed by drain() or by the next add(); never an unhandled rejection meanwhile
    running.catch(() => undefined);
    this.inFlight.push(running);
  }

  /** Waits for every write still running; rejects with the first failure once all settled. */
  async drain(): Promise<void> {
    const outcomes = await Promise.allSettled(this.inFlight.splice(0));
    const failure = outcomes.find((outcome) => outcome.status === 'rejected');
    if (failure) throw failure.reason;
  }
}
