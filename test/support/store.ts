import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type Db, type OpenStoreOptions, type Store } from '../../src/datasources/store';

/**
 * A fresh embedded store in its own temporary directory, removed on close. Watchers poll often
 * and TTL sweeps run every second so tests stay short; pass options to change that.
 */
export async function openTestStore(options: Omit<OpenStoreOptions, 'uri' | 'dataDir'> = {}): Promise<Store> {
  const dataDir = await mkdtemp(join(tmpdir(), 'campaign-hub-store-'));
  const store = await openStore({ dataDir, dbName: 'test', watchPollMs: 10, ttlIntervalMs: 1000, ...options });
  return {
    ...store,
    close: async () => {
      await store.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** The store, counting the `find` calls made on one of its collections (how many reads a code path makes). */
export function countingFinds(db: Db, collectionName: string): { db: Db; finds: () => number } {
  let finds = 0;
  const counted = new Proxy(db, {
    get(target, property, receiver) {
      if (property !== 'collection') return Reflect.get(target, property, receiver);
      return (name: string) => {
        const collection = target.collection(name);
        if (name !== collectionName) return collection;
        return new Proxy(collection, {
          get(inner, key, innerReceiver) {
            if (key !== 'find') return Reflect.get(inner, key, innerReceiver);
            return (...args: Parameters<typeof inner.find>) => {
              finds += 1;
              return inner.find(...args);
            };
          },
        });
      };
    },
  }) as Db;
  return { db: counted, finds: () => finds };
}
