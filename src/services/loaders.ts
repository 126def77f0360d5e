import DataLoader from 'dataloader';
import type { Db, Document } from '../datasources/store';

/**
 * Per-request DataLoaders, created in the GraphQL context so every related-document field
 * costs one query per collection per request, never one per row.
 */
export class Loaders {
  private readonly loaders = new Map<string, DataLoader<unknown, unknown>>();

  constructor(private readonly db: Db) {}

  /** Documents of `collection` by `_id` (ObjectId or string, compared by string form). */
  byId<T extends Document>(collection: string): DataLoader<unknown, T | null> {
    return this.byField<T>(collection, '_id');
  }

  /** First document of `collection` whose `field` equals each key. */
  byField<T extends Document>(collection: string, field: string): DataLoader<unknown, T | null> {
    return this.custom<unknown, T | null>(`${collection}:${field}`, async (keys) => {
      const docs = await this.db
        .collection(collection)
        .find({ [field]: { $in: [...keys] } })
        .toArray();
      const found = new Map(docs.map((doc) => [String(doc[field]), doc as unknown as T]));
      return keys.map((key) => found.get(String(key)) ?? null);
    });
  }

  /**
   * Forgets every cached document. A subscription keeps one context for its whole life, so the
   * WebSocket server calls this after each event: the next event loads fresh related documents.
   */
  clear(): void {
    this.loaders.clear();
  }

  /** A named loader with its own batch function, made once per request. */
  custom<K, V>(name: string, batch: (keys: readonly K[]) => Promise<V[]>): DataLoader<K, V> {
    let loader = this.loaders.get(name) as DataLoader<K, V> | undefined;
    if (!loader) {
      loader = new DataLoader<K, V, string>(batch, { cacheKeyFn: (key) => String(key) });
      this.loaders.set(name, loader as DataLoader<unknown, unknown>);
    }
    return loader;
  }
}
