import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type OpenStoreOptions, type Store } from '../../src/datasources/store';

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
