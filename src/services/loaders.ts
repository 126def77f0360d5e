import { EJSON } from 'bson';
import DataLoader from 'dataloader';
import { RememberedFigures, type ChangePositions } from '../datasources/rememberedFigures';
import type { Db, Document } from '../datasources/store';

/** Loads remembered at most per change clock: a dashboard's requests load the same few documents. */
const REMEMBERED_LOADS = 1000;

const rememberedLoads = new WeakMap<ChangePositions, RememberedFigures>();

/** The loads remembered across requests while their collection is unchanged: one memory per change clock. */
export function loadsRememberedBy(changes: ChangePositions): RememberedFigures {
  let figures = rememberedLoads.get(changes);
  if (!figures) {
    figures = new RememberedFigures(changes, REMEMBERED_LOADS);
    rememberedLoads.set(changes, figures);
  }
  return figures;
}

/**
 * Per-request DataLoaders, created in the GraphQL context so every related-document field
 * costs one query per collection per request, never one per row. With `remembered`
 * (loadsRememberedBy), the same keys of a collection are read once per change to it.
 */
export class Loaders {
  private readonly loaders = new Map<string, DataLoader<unknown, unknown>>();

  constructor(
    private readonly db: Db,
    private readonly remembered?: RememberedFigures,
  ) {}

  /** Documents of `collection` by `_id` (ObjectId or string, compared by string form). */
  byId<T extends Document>(collection: string): DataLoader<unknown, T | null> {
    return this.byField<T>(collection, '_id');
  }

  /** First document of `collection` whose `field` equals each key. */
  byField<T extends Document>(collection: string, field: string): DataLoader<unknown, T | null> {
    return this.custom<unknown, T | null>(`${collection}:${field}`, async (keys) => {
      const read = () =>
        this.db
          .collection(collection)
          .find({ [field]: { $in: [...keys] } })
          .toArray();
      const docs = this.remembered
        ? await this.remembered.get(`${collection}:${field}|${EJSON.stringify([...keys])}`, [collection], read)
        : await read();
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
