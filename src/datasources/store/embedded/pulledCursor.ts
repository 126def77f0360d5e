import type { Cursor } from '../port';

/**
 * What the embedded find and aggregation cursors share: documents are pulled one at a time from
 * an iterator made on first use, so a large result is never held in memory unless asked for.
 */
export abstract class PulledCursor<T> implements Cursor<T> {
  protected iterator: Iterator<T> | undefined;
  protected isClosed = false;
  /** What hasNext() pulled to answer, handed out by the next read. */
  protected buffered: IteratorResult<T> | undefined;

  protected abstract pull(): IteratorResult<T>;

  private take(): IteratorResult<T> {
    const buffered = this.buffered;
    if (!buffered) return this.pull();
    this.buffered = undefined;
    return buffered;
  }

  get closed(): boolean {
    return this.isClosed;
  }

  async next(): Promise<T | null> {
    const result = this.take();
    return result.done ? null : result.value;
  }

  async tryNext(): Promise<T | null> {
    return this.next();
  }

  async hasNext(): Promise<boolean> {
    this.buffered ??= this.pull();
    return !this.buffered.done;
  }

  /** Accepted for driver compatibility: documents are streamed one at a time from LMDB anyway. */
  batchSize(_size: number): this {
    return this;
  }

  async toArray(): Promise<T[]> {
    const documents: T[] = [];
    for (let result = this.take(); !result.done; result = this.take()) documents.push(result.value);
    return documents;
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T, void, void> {
    try {
      for (let result = this.take(); !result.done; result = this.take()) yield result.value;
    } finally {
      await this.close();
    }
  }

  async close(): Promise<void> {
    this.isClosed = true;
    this.iterator?.return?.(undefined as never);
  }
}
