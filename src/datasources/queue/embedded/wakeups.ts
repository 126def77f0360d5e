/**
 * Wakes long-polling receivers of a queue when this process sends to it, so a waiting worker
 * reacts at once instead of at its next poll. Sends from other processes are picked up by the
 * bounded poll interval of the receive loop.
 */
export class Wakeups {
  private readonly waiting = new Map<string, Set<() => void>>();

  /**
   * Wakes up to `count` receivers waiting on `queue` (one per message that became receivable:
   * waking every waiter for one message would have them all race for it).
   */
  notify(queue: string, count = Number.POSITIVE_INFINITY): void {
    const waiters = this.waiting.get(queue);
    if (!waiters) return;
    let woken = 0;
    for (const wake of [...waiters]) {
      if (woken++ >= count) break;
      wake();
    }
  }

  /** Resolves after `ms`, on notify(queue), or when `signal` aborts, whichever comes first. */
  wait(queue: string, ms: number, signal?: AbortSignal): Promise<void> {
    if (ms <= 0 || signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        this.waiting.get(queue)?.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal?.addEventListener('abort', done, { once: true });
      let waiters = this.waiting.get(queue);
      if (!waiters) {
        waiters = new Set();
        this.waiting.set(queue, waiters);
      }
      waiters.add(done);
    });
  }

  /** Releases every waiter (engine closing). */
  wakeAll(): void {
    for (const queue of [...this.waiting.keys()]) this.notify(queue);
  }
}
