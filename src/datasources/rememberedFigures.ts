/** Where each collection's committed changes stand: the store's change clock (store/changeClock.ts). */
export interface ChangePositions {
  position(collection: string): number | undefined;
}

/**
 * Figures read from the store, each remembered while the collections it was read from have not
 * changed since the read began: a figure asked many times a second is read again only once a
 * change to one of them commits. Concurrent askers of a figure share one read. Without a change
 * clock, or while it cannot follow a collection, every ask reads. With `most`, at most that many
 * figures are held: the one read longest ago is forgotten first.
 */
export class RememberedFigures {
  private readonly held = new Map<string, { positions: string; value: Promise<unknown> }>();

  constructor(
    private readonly changes: ChangePositions | undefined,
    private readonly most = Infinity,
  ) {}

  get<T>(key: string, collections: readonly string[], read: () => Promise<T>): Promise<T> {
    // read before the figure: a change committed meanwhile moves them past what is remembered
    const positions = this.positionsOf(collections);
    if (positions === undefined) return read();
    const entry = this.held.get(key);
    if (entry?.positions === positions) return entry.value as Promise<T>;
    const value = read();
    this.held.delete(key);
    this.held.set(key, { positions, value });
    if (this.held.size > this.most) this.held.delete(this.held.keys().next().value!);
    value.catch(() => {
      if (this.held.get(key)?.value === value) this.held.delete(key);
    });
    return value;
  }

  private positionsOf(collections: readonly string[]): string | undefined {
    if (!this.changes) return undefined;
    const positions: number[] = [];
    for (const collection of collections) {
      const position = this.changes.position(collection);
      if (position === undefined) return undefined;
      positions.push(position);
    }
    return positions.join(':');
  }
}
