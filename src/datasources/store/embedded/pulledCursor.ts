/**
 * What the embedded find and aggregation cursors share: documents are pulled one at a time from
 * an iterator made on first use, so a large result is never held in memory unless asked for.
 */
export abstract class PulledCursor<T> implements AsyncIterable<T> {
  protected iterator: Iterator<T> | undefined;
  protected isClosed = false;

  protected abstract pull(): IteratorResult<T>;

  get closed(): boolean {
    return this.isClosed;
  }

  async toArray(): Promise<T[]> {
    const documents: T[] = [];
    for (let result = this.pull(); !result.done; result = this.pull()) documents.push(result.value);
    return documents;
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T> {
    try {
      for (let result = this.pull(); !result.done; result = this.pull()) yield result.value;
    } finally {
      await this.close();
    }
  }

  async close(): Promise<void> {
    this.isClosed = true;
    this.iterator?.return?.(undefined as never);
  }
}
