/**
 * A push-fed async iterator for subscriptions. Unlike an async generator, return() takes effect
 * at once even while a consumer waits for the next value, which is what lets a closed WebSocket
 * end its session without waiting for one more event.
 */
export class Channel<T> implements AsyncIterableIterator<T> {
  private readonly buffered: T[] = [];
  private readonly waiting: ((result: IteratorResult<T>) => void)[] = [];
  private closed = false;

  /** `onClose` runs exactly once, when the consumer stops or close() is called. */
  constructor(private readonly onClose: () => void | Promise<void> = () => undefined) {}

  push(value: T): void {
    if (this.closed) return;
    const waiter = this.waiting.shift();
    if (waiter) waiter({ value, done: false });
    else this.buffered.push(value);
  }

  next(): Promise<IteratorResult<T>> {
    const value = this.buffered.shift();
    if (value !== undefined) return Promise.resolve({ value, done: false });
    if (this.closed) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  async return(): Promise<IteratorResult<T>> {
    await this.close();
    return { value: undefined, done: true };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.buffered.length = 0;
    for (const waiter of this.waiting.splice(0)) waiter({ value: undefined, done: true });
    await this.onClose();
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}
