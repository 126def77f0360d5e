import type { Readable } from 'node:stream';

/** What can be written: bytes in memory or a stream of them. */
export type ObjectBody = Buffer | Uint8Array | string | Readable;

export interface StoredObject {
  key: string;
  size: number;
  contentType: string;
  lastModified: Date;
}

export interface ObjectReadResult extends StoredObject {
  body: Readable;
}

/**
 * The objects port: files under keys like `raw/campaign_events/dt=.../x.ndjson.gz`.
 * Engines: a folder under DATA_DIR (local) or an S3 bucket (s3). Keys use `/` separators and
 * never contain `..`, so a key cannot escape its folder or bucket.
 */
export interface ObjectStore {
  readonly engine: 'local' | 's3';
  /** Writes (or replaces) the object; a reader never sees a half-written object. */
  put(key: string, body: ObjectBody, contentType?: string): Promise<void>;
  /** The object's bytes as a stream, or null when there is no such key. */
  get(key: string): Promise<ObjectReadResult | null>;
  exists(key: string): Promise<boolean>;
  /** Every object whose key starts with `prefix`, in key order. */
  list(prefix: string): Promise<StoredObject[]>;
  /** Removes the object; removing a missing key is not an error. */
  delete(key: string): Promise<void>;
}

const keyPattern = /^[A-Za-z0-9!_.*'()=,+@ -]+(\/[A-Za-z0-9!_.*'()=,+@ -]+)*$/;

/** Throws on a key that could escape the store's root or that S3 would mangle. */
export function assertValidKey(key: string): void {
  const segments = key.split('/');
  if (!keyPattern.test(key) || key.length > 1024 || segments.some((s) => s === '.' || s === '..')) {
    throw new Error(`Invalid object key: ${JSON.stringify(key)}`);
  }
}

export const DEFAULT_CONTENT_TYPE = 'application/octet-stream';
