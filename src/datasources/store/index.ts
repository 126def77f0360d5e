import type { Db } from 'mongodb';

/**
 * The document store: the MongoDB driver API, on MongoDB (MONGODB_URI) or on the embedded
 * LMDB engine in DATA_DIR.
 */
export interface Store {
  engine: 'mongodb' | 'embedded';
  db: Db;
  close(): Promise<void>;
}

export interface OpenStoreOptions {
  uri?: string;
  dataDir?: string;
}

export declare function openStore(options?: OpenStoreOptions): Promise<Store>;
