import type { Document } from './bson';
import { EmbeddedChangeStream } from './changeStream';
import { EmbeddedCollection } from './collection';
import { dropCollection } from './dropCollection';
import type { Engine } from './engine';
import { serverError } from './errors';
import type { ChangeStreamDocument, ChangeStreamOptions, Db } from '../port';

/**
 * `Db` of the embedded engine: collections are created on first write, as on MongoDB.
 * Collection objects are cached, like the driver's, so `db.collection(name)` is cheap.
 */
export class EmbeddedDb implements Db {
  /** One object per name, whatever schema each caller reads it with (the engine stores documents untyped). */
  private readonly collections = new Map<string, EmbeddedCollection<any>>();

  constructor(private readonly engine: Engine) {}

  get databaseName(): string {
    return this.engine.options.dbName;
  }

  collection<T extends Document = Document>(name: string): EmbeddedCollection<T> {
    if (typeof name !== 'string' || name.length === 0 || name.includes('$') || name.includes('\0')) {
      throw serverError(73, 'InvalidNamespace', `Invalid collection name: ${String(name)}`);
    }
    let collection = this.collections.get(name);
    if (!collection) {
      collection = new EmbeddedCollection(this.engine, name);
      this.collections.set(name, collection);
    }
    return collection;
  }

  async createCollection<T extends Document = Document>(name: string): Promise<EmbeddedCollection<T>> {
    const collection = this.collection<T>(name);
    await this.engine.write(() => this.engine.ensureCollection(name));
    return collection;
  }

  listCollections(filter: Document = {}): { toArray(): Promise<Document[]> } {
    return {
      toArray: async () => {
        this.engine.refreshCatalog();
        return Object.keys(this.engine.catalog.collections)
          .filter((name) => filter.name === undefined || filter.name === name)
          .sort()
          .map((name) => ({ name, type: 'collection', options: {}, info: { readOnly: false } }));
      },
    };
  }

  async dropCollection(name: string): Promise<boolean> {
    return dropCollection(this.engine, name);
  }

  async dropDatabase(): Promise<boolean> {
    this.engine.refreshCatalog();
    for (const name of Object.keys(this.engine.catalog.collections)) await dropCollection(this.engine, name);
    return true;
  }

  /** Database-wide change stream: events of every collection. */
  watch<TSchema extends Document = Document, TChange extends Document = ChangeStreamDocument<TSchema>>(
    pipeline: Document[] = [],
    options: ChangeStreamOptions = {},
  ): EmbeddedChangeStream<TSchema, TChange> {
    return new EmbeddedChangeStream<TSchema, TChange>(this.engine, undefined, pipeline, options);
  }

  /** The commands health checks use; anything else is refused clearly. */
  async command(command: Document): Promise<Document> {
    if ('ping' in command) return { ok: 1 };
    if ('buildInfo' in command || 'buildinfo' in command) return { ok: 1, version: 'embedded', engine: 'lmdb' };
    throw serverError(59, 'CommandNotFound', `no such command: '${Object.keys(command)[0]}' on the embedded store`);
  }
}
