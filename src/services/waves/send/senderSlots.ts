/**
 * Texts awaiting the provider's answer, per sender, in this process: WAVE_SEND_CONCURRENCY at
 * most, whatever the number of waves and workers sending from it. Besides the provider's own
 * limits, it bounds how many texts sent before a second can reach the provider within it (a
 * stalled connection delivers what it holds at once), which the rate's exactness depends on.
 */
export class SenderSlots {
  private readonly held = new Map<string, number>();
  private readonly waiting = new Map<string, (() => void)[]>();

  constructor(private readonly perSender: number) {}

  async acquire(sender: string, signal?: AbortSignal): Promise<void> {
    if ((this.held.get(sender) ?? 0) < this.perSender) {
      this.held.set(sender, (this.held.get(sender) ?? 0) + 1);
      return;
    }
    signal?.throwIfAborted();
    await new Promise<void>((resolve, reject) => {
      const queue = this.waiting.get(sender) ?? [];
      const onAbort = () => {
        const index = queue.indexOf(grant);
        if (index >= 0) queue.splice(index, 1);
        reject(signal!.reason);
      };
      const grant = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      queue.push(grant);
      this.waiting.set(sender, queue);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Hands the slot to the next waiter, or frees it. */
  release(sender: string): void {
    const next = this.waiting.get(sender)?.shift();
    if (next) {
      next();
      return;
    }
    const count = (this.held.get(sender) ?? 1) - 1;
    if (count > 0) this.held.set(sender, count);
    else this.held.delete(sender);
    if (this.waiting.get(sender)?.length === 0) this.waiting.delete(sender);
  }
}
