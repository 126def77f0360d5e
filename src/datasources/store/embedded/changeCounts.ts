/**
 * Per collection, how many write calls of this process have committed changes to it: what the
 * embedded engine's change clock reads (changeClock.ts). A write call notes the collections it
 * changes inside its transaction and counts them only once that transaction is durable, so a
 * reader that sees a count has the change's data visible too. A write rolled back after it
 * noted a collection still counts: a spurious move costs a reader a recomputation, never a
 * stale answer.
 */
export class ChangeCounts {
  private readonly counts = new Map<string, number>();
  private noted: Set<string> | undefined;

  /** Inside a write transaction, before the call's action runs. */
  begin(): void {
    this.noted = new Set();
  }

  /** Inside a write transaction: `collection` is being changed. */
  note(collection: string): void {
    this.noted?.add(collection);
  }

  /** Inside a write transaction, after the call's action: the collections it changed. */
  end(): ReadonlySet<string> | undefined {
    const noted = this.noted;
    this.noted = undefined;
    return noted;
  }

  /** Once the transaction is durable (or failed after writing): counts each collection changed. */
  count(collections: ReadonlySet<string> | undefined): void {
    for (const name of collections ?? []) this.counts.set(name, (this.counts.get(name) ?? 0) + 1);
  }

  of(collection: string): number {
    return this.counts.get(collection) ?? 0;
  }
}
