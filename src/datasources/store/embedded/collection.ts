import type { Document } from './bson';
import { EmbeddedAggregationCursor } from './aggregate';
import { bulkWrite, type BulkOperation, type EmbeddedBulkWriteResult } from './bulk';
import { EmbeddedChangeStream, type ChangeStreamOptions } from './changeStream';
import { EmbeddedFindCursor, refuseCollation, type FindOptions } from './cursor';
import { project } from './projection';
import type { Engine } from './engine';
import { createIndex, dropIndex, indexDefinition, listIndexes, type CreateIndexOptions } from './indexAdmin';
import { valuesAtPath } from './paths';
import { checkFilter, runQuery } from './query';
import { emptyStats } from './scan';
import { encodeKey } from './keyCodec';
import { checkReplacement, checkUpdate, type UpdateSpec } from './update';
import { deleteMatches, insertOneInTxn, writeMany, writeOne, type Change, type WriteOneOptions } from './writeOps';
import { dropCollection } from './dropCollection';

export interface UpdateOptions extends WriteOneOptions {}

export interface FindOneAndOptions extends WriteOneOptions {
  returnDocument?: 'before' | 'after';
  projection?: Document;
  includeResultMetadata?: boolean;
}

/**
 * `db.collection(name)` of the embedded engine: the MongoDB driver's Collection API with the
 * same results and errors. Reads go straight to LMDB; writes go through one batched write
 * transaction per event turn.
 */
export class EmbeddedCollection<TSchema extends Document = Document> {
  constructor(
    private readonly engine: Engine,
    readonly collectionName: string,
  ) {}

  get dbName(): string {
    return this.engine.options.dbName;
  }

  get namespace(): string {
    return `${this.dbName}.${this.collectionName}`;
  }

  async insertOne(document: TSchema): Promise<{ acknowledged: true; insertedId: unknown }> {
    const stored = await this.engine.write(() => insertOneInTxn(this.engine, this.collectionName, document));
    return { acknowledged: true, insertedId: stored.document._id };
  }

  async insertMany(documents: TSchema[], options: { ordered?: boolean } = {}): Promise<{ acknowledged: true; insertedCount: number; insertedIds: Record<number, unknown> }> {
    if (!Array.isArray(documents)) throw new TypeError('Argument "docs" must be an array of documents');
    const operations = documents.map((document) => ({ insertOne: { document } }));
    const result = await bulkWrite(this.engine, this.collectionName, operations, options.ordered ?? true);
    return { acknowledged: true, insertedCount: result.insertedCount, insertedIds: result.insertedIds };
  }

  find<T = TSchema>(filter: Document = {}, options: FindOptions = {}): EmbeddedFindCursor<T> {
    return new EmbeddedFindCursor<T>(this.engine, this.collectionName, filter, options);
  }

  async findOne<T = TSchema>(filter: Document = {}, options: FindOptions = {}): Promise<T | null> {
    const cursor = this.find<T>(filter, { ...options, limit: 1 });
    const document = await cursor.next();
    await cursor.close();
    return document;
  }

  async countDocuments(filter: Document = {}, options: { skip?: number; limit?: number } = {}): Promise<number> {
    this.engine.refreshCatalog();
    const { results } = runQuery(this.engine, this.collectionName, { filter, sort: [], skip: options.skip ?? 0, limit: options.limit ?? 0 }, emptyStats());
    let count = 0;
    for (const _ of results) count++;
    return count;
  }

  async estimatedDocumentCount(): Promise<number> {
    this.engine.refreshCatalog();
    const collection = this.engine.collectionEntry(this.collectionName);
    if (!collection) return 0;
    const start = Buffer.alloc(4);
    start.writeUInt32BE(collection.id);
    const end = Buffer.alloc(4);
    end.writeUInt32BE(collection.id + 1);
    return this.engine.docs.getCount({ start, end });
  }

  /** Distinct values of a field (array elements counted one by one), in BSON order. */
  async distinct(key: string, filter: Document = {}): Promise<unknown[]> {
    this.engine.refreshCatalog();
    const { results } = runQuery(this.engine, this.collectionName, { filter, sort: [], skip: 0, limit: 0 }, emptyStats());
    const values = new Map<string, unknown>();
    for (const { document } of results) {
      for (const value of valuesAtPath(document, key).values) {
        if (value === undefined) continue;
        values.set(encodeKey(value).toString('latin1'), value);
      }
    }
    return [...values.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, value]) => value);
  }

  private async writeSingle(filter: Document, change: Change, options: WriteOneOptions) {
    checkFilter(filter);
    if (change.kind === 'update') checkUpdate(change.update);
    else checkReplacement(change.replacement);
    return this.engine.write(() => writeOne(this.engine, this.collectionName, filter, change, options));
  }

  async updateOne(filter: Document, update: UpdateSpec, options: UpdateOptions = {}) {
    return updateResult(await this.writeSingle(filter, { kind: 'update', update }, options));
  }

  async replaceOne(filter: Document, replacement: TSchema, options: UpdateOptions = {}) {
    return updateResult(await this.writeSingle(filter, { kind: 'replace', replacement }, options));
  }

  async updateMany(filter: Document, update: UpdateSpec, options: UpdateOptions = {}) {
    checkFilter(filter);
    checkUpdate(update);
    return updateResult(await this.engine.write(() => writeMany(this.engine, this.collectionName, filter, update, options)));
  }

  async deleteOne(filter: Document = {}): Promise<{ acknowledged: true; deletedCount: number }> {
    checkFilter(filter);
    const { count } = await this.engine.write(() => deleteMatches(this.engine, this.collectionName, filter, false));
    return { acknowledged: true, deletedCount: count };
  }

  async deleteMany(filter: Document = {}): Promise<{ acknowledged: true; deletedCount: number }> {
    checkFilter(filter);
    const { count } = await this.engine.write(() => deleteMatches(this.engine, this.collectionName, filter, true));
    return { acknowledged: true, deletedCount: count };
  }

  async findOneAndUpdate(filter: Document, update: UpdateSpec, options: FindOneAndOptions = {}) {
    const outcome = await this.writeSingle(filter, { kind: 'update', update }, options);
    return findAndModifyResult(outcome, options);
  }

  async findOneAndReplace(filter: Document, replacement: TSchema, options: FindOneAndOptions = {}) {
    const outcome = await this.writeSingle(filter, { kind: 'replace', replacement }, options);
    return findAndModifyResult(outcome, options);
  }

  async findOneAndDelete(filter: Document, options: FindOneAndOptions = {}) {
    checkFilter(filter);
    const { count, first } = await this.engine.write(() => deleteMatches(this.engine, this.collectionName, filter, false, options.sort));
    const value = first ? project(first, options.projection) : null;
    return options.includeResultMetadata ? { value, ok: 1, lastErrorObject: { n: count } } : value;
  }

  async bulkWrite(operations: BulkOperation[], options: { ordered?: boolean } = {}): Promise<EmbeddedBulkWriteResult> {
    return bulkWrite(this.engine, this.collectionName, operations, options.ordered ?? true);
  }

  aggregate<T = Document>(pipeline: Document[] = [], options: { collation?: Document } = {}): EmbeddedAggregationCursor<T> {
    refuseCollation(options);
    return new EmbeddedAggregationCursor<T>(this.engine, this.collectionName, pipeline);
  }

  async createIndex(keySpec: unknown, options: CreateIndexOptions = {}): Promise<string> {
    return createIndex(this.engine, this.collectionName, indexDefinition(keySpec, options));
  }

  async createIndexes(specs: Array<{ key: unknown } & CreateIndexOptions>): Promise<string[]> {
    const names: string[] = [];
    for (const { key, ...options } of specs) names.push(await this.createIndex(key, options));
    return names;
  }

  listIndexes(): { toArray(): Promise<Document[]> } & AsyncIterable<Document> {
    const indexes = () => listIndexes(this.engine, this.collectionName);
    return {
      toArray: async () => indexes(),
      async *[Symbol.asyncIterator]() {
        yield* indexes();
      },
    };
  }

  async indexes(): Promise<Document[]> {
    return listIndexes(this.engine, this.collectionName);
  }

  async indexExists(names: string | string[]): Promise<boolean> {
    const existing = new Set(listIndexes(this.engine, this.collectionName).map((index) => index.name));
    return (Array.isArray(names) ? names : [names]).every((name) => existing.has(name));
  }

  async dropIndex(name: string): Promise<Document> {
    await dropIndex(this.engine, this.collectionName, name);
    return { ok: 1 };
  }

  async dropIndexes(): Promise<boolean> {
    for (const index of listIndexes(this.engine, this.collectionName)) {
      if (index.name !== '_id_') await dropIndex(this.engine, this.collectionName, index.name);
    }
    return true;
  }

  async drop(): Promise<boolean> {
    return dropCollection(this.engine, this.collectionName);
  }

  watch<T = Document>(pipeline: Document[] = [], options: ChangeStreamOptions = {}): EmbeddedChangeStream<T> {
    return new EmbeddedChangeStream<T>(this.engine, this.collectionName, pipeline, options);
  }
}

function updateResult(outcome: { matched: number; modified: number; upsertedId?: unknown }) {
  const upserted = outcome.upsertedId !== undefined;
  return {
    acknowledged: true as const,
    matchedCount: outcome.matched,
    modifiedCount: outcome.modified,
    upsertedCount: upserted ? 1 : 0,
    upsertedId: upserted ? outcome.upsertedId : null,
  };
}

function findAndModifyResult(outcome: { matched: number; upsertedId?: unknown; before?: Document; after?: Document }, options: FindOneAndOptions) {
  const chosen = options.returnDocument === 'after' ? outcome.after : outcome.before;
  const value = chosen ? project(chosen, options.projection) : null;
  if (!options.includeResultMetadata) return value;
  const lastErrorObject: Document = { n: outcome.matched + (outcome.upsertedId !== undefined ? 1 : 0), updatedExisting: outcome.matched > 0 };
  if (outcome.upsertedId !== undefined) lastErrorObject.upserted = outcome.upsertedId;
  return { value, ok: 1, lastErrorObject };
}
