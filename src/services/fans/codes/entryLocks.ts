/**
 * Serializes the batches of this process that touch the same fans: a batch waits for the
 * batches registered before it that share one of its keys, and for no other. Registering is
 * synchronous, so waits only point at earlier batches and never form a cycle. Without it, two
 * workers handling the same fan at once (a record redelivered while its first delivery still
 * runs) could each take a pool code for the fan.
 */
export class EntryLocks {
  private readonly tails = new Map<string, Promise<void>>();

  async run<T>(keys: Iterable<string>, action: () => Promise<T>): Promise<T> {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const earlier = new Set<Promise<void>>();
    const mine = [...new Set(keys)];
    for (const key of mine) {
      const tail = this.tails.get(key);
      if (tail) earlier.add(tail);
      this.tails.set(key, held);
    }
    try {
      if (earlier.size > 0) await Promise.all(earlier);
      return await action();
    } finally {
      release();
      for (const key of mine) if (this.tails.get(key) === held) this.tails.delete(key);
    }
  }
}
