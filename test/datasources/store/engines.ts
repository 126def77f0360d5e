import { randomUUID } from 'node:crypto';
import { openStore, type Db, type Store } from '../../../src/datasources/store';
import { openTestStore } from '../../support/store';

/**
 * The engines the contract suite runs against: the embedded engine always, its writes both on
 * the main thread and on its writer thread; MongoDB too when MONGODB_URI is set (each run in its
 * own database, dropped afterwards).
 */
export interface EngineUnderTest {
  name: 'embedded' | 'embedded, writer thread' | 'mongodb';
  open(): Promise<Store>;
}

const engines: EngineUnderTest[] = [
  { name: 'embedded', open: () => openTestStore({ writerThread: false }) },
  { name: 'embedded, writer thread', open: () => openTestStore({ writerThread: true }) },
];

const mongoUri = process.env.MONGODB_URI;
if (mongoUri) {
  engines.push({
    name: 'mongodb',
    open: async () => {
      const store = await openStore({ uri: mongoUri, dbName: `store-contract-${randomUUID().slice(0, 8)}` });
      return {
        ...store,
        close: async () => {
          await store.db.dropDatabase();
          await store.close();
        },
      };
    },
  });
}

export const storeEngines = engines.map((engine) => [engine.name, engine] as const);

/** Opens a store for one describe block: `const ctx = useStore(engine)`, then `ctx.db`. */
export function useStore(engine: EngineUnderTest): { readonly db: Db; readonly store: Store } {
  let store: Store | undefined;
  beforeAll(async () => {
    store = await engine.open();
  });
  afterAll(async () => {
    await store?.close();
  });
  return {
    get db() {
      return store!.db;
    },
    get store() {
      return store!;
    },
  };
}

/** A collection name unique to one test, so tests within a file do not see each other's data. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${randomUUID().slice(0, 8)}`;
}
