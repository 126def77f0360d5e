import type { Document } from './bson';
import { EmbeddedAggregationCursor } from './aggregate';
import { bulkWrite, type EmbeddedBulkWriteResult } from './bulk';
import { EmbeddedChangeStream } from './changeStream';
import { EmbeddedFindCursor, refuseCollation } from './cursor';
import { project } from './projection';
import type { Engine } from './engine';
import { createIndex, dropIndex, indexDefinition, listIndexes } from './indexAdmin';
import { valuesAtPath } from './paths';
import { checkFilter, runQuery } from './query';
import { emptyStats } from './scan';
import { encodeKey } from './keyCodec';
import { checkReplacement, checkUpdate } from './update';
import { deleteMatches, insertOneInTxn, writeMany, writeOne, type Change, type WriteOneOptions } from './writeOps';
import { dropCollection } from './dropCollection';
import type {
  AggregateOptions,
  AggregationCursor,
  AnyBulkWriteOperation,
  BulkWriteOptions,
  ChangeStreamDocument,
  ChangeStreamOptions,
  Collection,
  CountDocumentsOptions,
  CreateIndexesOptions,
  DeleteResult,
  Filter,
  FindCursor,
  FindOneAndDeleteOptions,
  FindOneAndReplaceOptions,
  FindOneAndUpdateOptions,
  FindOptions,
  IndexDescriptionInfo,
  IndexKey,
  IndexSpecification,
  InsertManyResult,
  InsertOneResult,
  ListIndexesCursor,
  ModifyResult,
  OptionalUnlessRequiredId,
  ReplaceOptions,
  Sort,
  UpdateFilter,
  UpdateOptions,
  UpdateResult,
  WithId,
  WithoutId,
} from '../port';

/**
 * `db.collection(name)` of the embedded engine: the store port's Collection with the driver's
 * results and errors. Reads go straight to LMDB; writes go through one batched write
 * transaction per event turn. Documents come back as stored: typing them with the collection's
 * schema is the caller's word, as it is with the driver.
 */
export class EmbeddedCollection<TSchema extends Document = Document> implements Collection<TSchema> {
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

  async insertOne(document: OptionalUnlessRequiredId<TSchema>): Promise<InsertOneResult<TSchema>> {
    const stored = await this.engine.write(() => insertOneInTxn(this.engine, this.collectionName, document));
    return { acknowledged: true, insertedId: stored.document._id };
  }

  async insertMany(
    documents: ReadonlyArray<OptionalUnlessRequiredId<TSchema>>,
    options: BulkWriteOptions = {},
  ): Promise<InsertManyResult<TSchema>> {
    if (!Array.isArray(documents)) throw new TypeError('Argument "docs" must be an array of documents');
    const operations = documents.map((document) => ({ insertOne: { document } }));
    const result = await bulkWrite(this.engine, this.collectionName, operations, options.ordered ?? true);
    return { acknowledged: true, insertedCount: result.insertedCount, insertedIds: result.insertedIds };
  }

  find<T extends Document = WithId<TSchema>>(filter: Filter<TSchema> = {}, options: FindOptions = {}): FindCursor<T> {
    return new EmbeddedFindCursor<T>(this.engine, this.collectionName, filter, options);
  }

  async findOne<T = WithId<TSchema>>(filter: Filter<TSchema> = {}, options: FindOptions = {}): Promise<T | null> {
    const cursor = new EmbeddedFindCursor<T>(this.engine, this.collectionName, filter, { ...options, limit: 1 });
    const document = await cursor.next();
    await cursor.close();
    return document;
  }

  async countDocuments(filter: Filter<TSchema> = {}, options: CountDocumentsOptions = {}): Promise<number> {
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
  async distinct(key: string, filter: Filter<TSchema> = {}): Promise<any[]> {
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

  async updateOne(
    filter: Filter<TSchema>,
    update: UpdateFilter<TSchema> | Document[],
    options: UpdateOptions & { sort?: Sort } = {},
  ): Promise<UpdateResult<TSchema>> {
    return updateResult(await this.writeSingle(filter, { kind: 'update', update }, options));
  }

  async replaceOne(
    filter: Filter<TSchema>,
    replacement: WithoutId<TSchema>,
    options: ReplaceOptions = {},
  ): Promise<UpdateResult<TSchema>> {
    return updateResult(await this.writeSingle(filter, { kind: 'replace', replacement }, options));
  }

  async updateMany(
    filter: Filter<TSchema>,
    update: UpdateFilter<TSchema> | Document[],
    options: UpdateOptions = {},
  ): Promise<UpdateResult<TSchema>> {
    checkFilter(filter);
    checkUpdate(update);
    return updateResult(await this.engine.write(() => writeMany(this.engine, this.collectionName, filter, update, options)));
  }

  async deleteOne(filter: Filter<TSchema> = {}): Promise<DeleteResult> {
    checkFilter(filter);
    const { count } = await this.engine.write(() => deleteMatches(this.engine, this.collectionName, filter, false));
    return { acknowledged: true, deletedCount: count };
  }

  async deleteMany(filter: Filter<TSchema> = {}): Promise<DeleteResult> {
    checkFilter(filter);
    const { count } = await this.engine.write(() => deleteMatches(this.engine, this.collectionName, filter, true));
    return { acknowledged: true, deletedCount: count };
  }

  findOneAndUpdate(
    filter: Filter<TSchema>,
    update: UpdateFilter<TSchema> | Document[],
    options: FindOneAndUpdateOptions & { includeResultMetadata: true },
  ): Promise<ModifyResult<TSchema>>;
  findOneAndUpdate(
    filter: Filter<TSchema>,
    update: UpdateFilter<TSchema> | Document[],
    options?: FindOneAndUpdateOptions,
  ): Promise<WithId<TSchema> | null>;
  async findOneAndUpdate(
    filter: Filter<TSchema>,
    update: UpdateFilter<TSchema> | Document[],
    options: FindOneAndUpdateOptions = {},
  ) {
    const outcome = await this.writeSingle(filter, { kind: 'update', update }, options);
    return findAndModifyResult<TSchema>(outcome, options);
  }

  findOneAndReplace(
    filter: Filter<TSchema>,
    replacement: WithoutId<TSchema>,
    options: FindOneAndReplaceOptions & { includeResultMetadata: true },
  ): Promise<ModifyResult<TSchema>>;
  findOneAndReplace(
    filter: Filter<TSchema>,
    replacement: WithoutId<TSchema>,
    options?: FindOneAndReplaceOptions,
  ): Promise<WithId<TSchema> | null>;
  async findOneAndReplace(
    filter: Filter<TSchema>,
    replacement: WithoutId<TSchema>,
    options: FindOneAndReplaceOptions = {},
  ) {
    const outcome = await this.writeSingle(filter, { kind: 'replace', replacement }, options);
    return findAndModifyResult<TSchema>(outcome, options);
  }

  findOneAndDelete(
    filter: Filter<TSchema>,
    options: FindOneAndDeleteOptions & { includeResultMetadata: true },
  ): Promise<ModifyResult<TSchema>>;
  findOneAndDelete(
    filter: Filter<TSchema>,
    options?: FindOneAndDeleteOptions,
  ): Promise<WithId<TSchema> | null>;
  async findOneAndDelete(filter: Filter<TSchema>, options: FindOneAndDeleteOptions = {}) {
    checkFilter(filter);
    const { count, first } = await this.engine.write(() =>
      deleteMatches(this.engine, this.collectionName, filter, false, options.sort),
    );
    const value = first ? project(first, options.projection) : null;
    return options.includeResultMetadata ? { value, ok: 1, lastErrorObject: { n: count } } : value;
  }

  async bulkWrite(
    operations: ReadonlyArray<AnyBulkWriteOperation<TSchema>>,
    options: BulkWriteOptions = {},
  ): Promise<EmbeddedBulkWriteResult> {
    return bulkWrite(this.engine, this.collectionName, operations, options.ordered ?? true);
  }

  aggregate<T extends Document = Document>(
    pipeline: Document[] = [],
    options: AggregateOptions = {},
  ): AggregationCursor<T> {
    refuseCollation(options);
    return new EmbeddedAggregationCursor<T>(this.engine, this.collectionName, pipeline);
  }

  async createIndex(keySpec: IndexSpecification, options: CreateIndexesOptions = {}): Promise<string> {
    return createIndex(this.engine, this.collectionName, indexDefinition(keySpec, options));
  }

  async createIndexes(specs: Array<{ key: IndexKey } & CreateIndexesOptions>): Promise<string[]> {
    const names: string[] = [];
    for (const { key, ...options } of specs) names.push(await this.createIndex(key, options));
    return names;
  }

  listIndexes(): ListIndexesCursor {
    return { toArray: async () => listIndexes(this.engine, this.collectionName) };
  }

  async indexes(): Promise<IndexDescriptionInfo[]> {
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

  watch<TLocal extends Document = TSchema, TChange extends Document = ChangeStreamDocument<TLocal>>(
    pipeline: Document[] = [],
    options: ChangeStreamOptions = {},
  ): EmbeddedChangeStream<TLocal, TChange> {
    return new EmbeddedChangeStream<TLocal, TChange>(this.engine, this.collectionName, pipeline, options);
  }
}

function updateResult<TSchema extends Document>(outcome: {
  matched: number;
  modified: number;
  upsertedId?: unknown;
}): UpdateResult<TSchema> {
  const upserted = outcome.upsertedId !== undefined;
  return {
    acknowledged: true,
    matchedCount: outcome.matched,
    modifiedCount: outcome.modified,
    upsertedCount: upserted ? 1 : 0,
    upsertedId: upserted ? (outcome.upsertedId as UpdateResult<TSchema>['upsertedId']) : null,
  };
}

function findAndModifyResult<TSchema extends Document>(
  outcome: { matched: number; upsertedId?: unknown; before?: Document; after?: Document },
  options: FindOneAndReplaceOptions,
): ModifyResult<TSchema> | WithId<TSchema> | null {
  const chosen = options.returnDocument === 'after' ? outcome.after : outcome.before;
  const value = chosen ? (project(chosen, options.projection) as WithId<TSchema>) : null;
  if (!options.includeResultMetadata) return value;
  const lastErrorObject: Document = { n: outcome.matched + (outcome.upsertedId !== undefined ? 1 : 0), updatedExisting: outcome.matched > 0 };
  if (outcome.upsertedId !== undefined) lastErrorObject.upserted = outcome.upsertedId;
  return { value, ok: 1, lastErrorObject };
}
