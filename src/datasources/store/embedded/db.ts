import type { Document } from './bson';
import { EmbeddedAggregationCursor } from './aggregate';
import { EmbeddedChangeStream } from './changeStream';
import { guardPipeline } from './collationGuard';
import { EmbeddedCollection } from './collection';
import { dropCollection } from './dropCollection';
import type { Engine } from './engine';
import { notSupported, serverError } from './errors';
import { evaluationOf } from './evaluation';
import { optionGate } from './optionGate';
import { isPlainObject } from './values';
import type {
  AggregateOptions,
  AggregationCursor,
  ChangeStreamDocument,
  ChangeStreamOptions,
  CreateCollectionOptions,
  Db,
} from '../port';

const gates = {
  collection: optionGate('db.collection'),
  createCollection: optionGate('db.createCollection'),
  dropDatabase: optionGate('db.dropDatabase'),
  watch: optionGate('db.watch'),
  aggregate: optionGate('db.aggregate'),
  command: optionGate('db.command'),
};

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

  collection<T extends Document = Document>(name: string, options?: object): EmbeddedCollection<T> {
    gates.collection(options);
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

  /** A collection (made now rather than on first write) or, with `viewOn`, a read-only view. */
  async createCollection<T extends Document = Document>(
    name: string,
    options: CreateCollectionOptions = {},
  ): Promise<EmbeddedCollection<T>> {
    gates.createCollection(options);
    const collection = this.collection<T>(name);
    if (options.pipeline !== undefined && options.viewOn === undefined) {
      throw serverError(9, 'FailedToParse', "'pipeline' requires 'viewOn' to also be specified");
    }
    await this.engine.write({
      kind: 'createCollection',
      collection: name,
      ...(options.viewOn !== undefined ? { viewOn: options.viewOn, pipeline: options.pipeline } : {}),
    });
    return collection;
  }

  listCollections(filter: Document = {}): { toArray(): Promise<Document[]> } {
    return {
      toArray: async () => {
        this.engine.refreshCatalog();
        const collections = Object.keys(this.engine.catalog.collections).map((name) => ({
          name,
          type: 'collection',
          options: {},
          info: { readOnly: false },
        }));
        const views = Object.entries(this.engine.catalog.views ?? {}).map(([name, view]) => ({
          name,
          type: 'view',
          options: { viewOn: view.viewOn, pipeline: view.pipeline },
          info: { readOnly: true },
        }));
        return [...collections, ...views]
          .filter((entry) => filter.name === undefined || filter.name === entry.name)
          .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      },
    };
  }

  async dropCollection(name: string): Promise<boolean> {
    return dropCollection(this.engine, name);
  }

  async dropDatabase(options?: object): Promise<boolean> {
    gates.dropDatabase(options);
    this.engine.refreshCatalog();
    const names = [...Object.keys(this.engine.catalog.collections), ...Object.keys(this.engine.catalog.views ?? {})];
    for (const name of names) await dropCollection(this.engine, name);
    return true;
  }

  /** Database-wide change stream: events of every collection. */
  watch<TSchema extends Document = Document, TChange extends Document = ChangeStreamDocument<TSchema>>(
    pipeline: Document[] = [],
    options: ChangeStreamOptions = {},
  ): EmbeddedChangeStream<TSchema, TChange> {
    gates.watch(options);
    return new EmbeddedChangeStream<TSchema, TChange>(this.engine, undefined, pipeline, options);
  }

  /** A pipeline over no collection: it starts with `$documents`, which makes its documents. */
  aggregate<T extends Document = Document>(
    pipeline: Document[] = [],
    options: AggregateOptions = {},
  ): AggregationCursor<T> {
    gates.aggregate(options);
    const [first] = pipeline;
    const stage = isPlainObject(first) ? Object.keys(first)[0] : undefined;
    if (stage !== '$documents') {
      if (stage === '$currentOp' || stage === '$listLocalSessions')
        throw notSupported(`the ${stage} stage`, 'no server state to list');
      throw serverError(
        73,
        'InvalidNamespace',
        `{aggregate: 1} is not valid for '${String(stage)}'; a collection is required.`,
      );
    }
    const evaluation = evaluationOf(options);
    if (evaluation?.collation) guardPipeline(pipeline);
    return new EmbeddedAggregationCursor<T>(this.engine, undefined, pipeline, evaluation);
  }

  /** The commands health checks use; every other command is refused by name. */
  async command(command: Document, options?: object): Promise<Document> {
    gates.command(options);
    if ('ping' in command) return { ok: 1 };
    if ('buildInfo' in command || 'buildinfo' in command) return { ok: 1, version: 'embedded', engine: 'lmdb' };
    throw notSupported(`the '${Object.keys(command)[0]}' command`);
  }
}
