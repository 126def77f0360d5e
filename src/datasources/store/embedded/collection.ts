import type { Document } from './bson';
import { EmbeddedAggregationCursor } from './aggregate';
import { bulkWrite, type EmbeddedBulkWriteResult } from './bulk';
import { EmbeddedChangeStream } from './changeStream';
import { guardFilter, guardPipeline, guardProjection, guardUpdate } from './collationGuard';
import { countMatches, distinctValues, estimatedCount } from './counting';
import { EmbeddedFindCursor } from './cursor';
import { dropCollection } from './dropCollection';
import type { Engine } from './engine';
import { evaluationOf, type Evaluation } from './evaluation';
import { createIndex, dropIndex, indexDefinition, listIndexes } from './indexAdmin';
import { gates } from './collectionGates';
import { findAndModifyResult, updateResult } from './collectionResults';
import { project } from './projection';
import { checkFilter } from './query';
import { checkReplacement, checkUpdate } from './update';
import { notOnView, refuseCollationOnView, viewOf } from './views';
import { evaluationOptions, writeCallOptions, type WriteCallOptions } from './writeCalls';
import type { Change } from './writeOps';
import { withId } from './writes';
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
  DeleteOptions,
  DeleteResult,
  DistinctOptions,
  Filter,
  FindCursor,
  FindOneAndDeleteOptions,
  FindOneAndReplaceOptions,
  FindOneAndUpdateOptions,
  FindOptions,
  IndexDescription,
  IndexDescriptionInfo,
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

/** A write's filter, checked before any data is touched. */
function checkMatch(filter: Document, evaluation: Evaluation | undefined): void {
  checkFilter(filter, evaluation);
  if (evaluation?.collation) guardFilter(filter);
}

/**
 * `db.collection(name)` of the embedded engine: the store port's Collection with the driver's
 * results and errors. Reads go straight to LMDB; writes go through one batched write
 * transaction per event turn. Documents come back as stored: typing them with the collection's
 * schema is the caller's word, as it is with the driver. Options the engine does not implement
 * are refused (optionSupport.ts); on a view, reads run its pipeline and writes are refused.
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

  /** The evaluation of a read's options; a collation is refused on a view, as MongoDB refuses it. */
  private readEvaluation(options: { collation?: unknown; let?: unknown }): Evaluation | undefined {
    const evaluation = evaluationOf(options);
    if (options.collation !== undefined) {
      this.engine.refreshCatalog();
      refuseCollationOnView(this.engine, this.collectionName, options.collation);
    }
    return evaluation;
  }

  async insertOne(document: OptionalUnlessRequiredId<TSchema>, options?: object): Promise<InsertOneResult<TSchema>> {
    gates.insertOne(options);
    const stored = withId(document);
    await this.engine.write({ kind: 'insertOne', collection: this.collectionName, document: stored });
    return { acknowledged: true, insertedId: stored._id };
  }

  async insertMany(
    documents: ReadonlyArray<OptionalUnlessRequiredId<TSchema>>,
    options: BulkWriteOptions = {},
  ): Promise<InsertManyResult<TSchema>> {
    gates.insertMany(options);
    if (!Array.isArray(documents)) throw new TypeError('Argument "docs" must be an array of documents');
    const operations = documents.map((document) => ({ insertOne: { document } }));
    const result = await bulkWrite(this.engine, this.collectionName, operations, options.ordered ?? true);
    return { acknowledged: true, insertedCount: result.insertedCount, insertedIds: result.insertedIds };
  }

  async bulkWrite(
    operations: ReadonlyArray<AnyBulkWriteOperation<TSchema>>,
    options: BulkWriteOptions = {},
  ): Promise<EmbeddedBulkWriteResult> {
    gates.bulkWrite(options);
    const variables = evaluationOf({ let: options.let })?.variables;
    return bulkWrite(this.engine, this.collectionName, operations, options.ordered ?? true, variables);
  }

  find<T extends Document = WithId<TSchema>>(filter: Filter<TSchema> = {}, options: FindOptions = {}): FindCursor<T> {
    gates.find(options);
    return this.findCursor<T>(filter, options);
  }

  private findCursor<T>(filter: Document, options: FindOptions): EmbeddedFindCursor<T> {
    const evaluation = this.readEvaluation(options);
    if (evaluation?.collation) {
      guardFilter(filter);
      guardProjection(options.projection);
    }
    return new EmbeddedFindCursor<T>(this.engine, this.collectionName, filter, options, evaluation);
  }

  async findOne<T = WithId<TSchema>>(filter: Filter<TSchema> = {}, options: FindOptions = {}): Promise<T | null> {
    gates.findOne(options);
    const cursor = this.findCursor<T>(filter, { ...options, limit: 1 });
    const document = await cursor.next();
    await cursor.close();
    return document;
  }

  async countDocuments(filter: Filter<TSchema> = {}, options: CountDocumentsOptions = {}): Promise<number> {
    gates.countDocuments(options);
    return this.countMatching(filter, options);
  }

  /** The driver's deprecated count(): a countDocuments that also takes no `let`. */
  async count(filter: Filter<TSchema> = {}, options: Omit<CountDocumentsOptions, 'let'> = {}): Promise<number> {
    gates.count(options);
    return this.countMatching(filter, options);
  }

  private countMatching(filter: Document, options: CountDocumentsOptions): number {
    const evaluation = this.readEvaluation(options);
    if (evaluation?.collation) guardFilter(filter);
    return countMatches(this.engine, this.collectionName, filter, options.skip ?? 0, options.limit ?? 0, evaluation);
  }

  async estimatedDocumentCount(options?: object): Promise<number> {
    gates.estimatedDocumentCount(options);
    return estimatedCount(this.engine, this.collectionName);
  }

  /** Distinct values of a field (array elements counted one by one), in BSON order. */
  async distinct(key: string, filter: Filter<TSchema> = {}, options: DistinctOptions = {}): Promise<any[]> {
    gates.distinct(options);
    const evaluation = this.readEvaluation(options);
    if (evaluation?.collation) guardFilter(filter);
    return distinctValues(this.engine, this.collectionName, key, filter, evaluation);
  }

  private async writeSingle(filter: Document, change: Change, options: WriteCallOptions, documents = false) {
    const evaluation = evaluationOf(options);
    checkMatch(filter, evaluation);
    if (change.kind === 'update') {
      checkUpdate(change.update);
      if (evaluation?.collation) guardUpdate(change.update, options.arrayFilters);
    } else checkReplacement(change.replacement);
    return this.engine.write({
      kind: 'writeOne',
      collection: this.collectionName,
      filter,
      change,
      options: writeCallOptions(options),
      documents,
    });
  }

  async updateOne(
    filter: Filter<TSchema>,
    update: UpdateFilter<TSchema> | Document[],
    options: UpdateOptions & { sort?: Sort } = {},
  ): Promise<UpdateResult<TSchema>> {
    gates.updateOne(options);
    return updateResult(await this.writeSingle(filter, { kind: 'update', update }, options));
  }

  async replaceOne(
    filter: Filter<TSchema>,
    replacement: WithoutId<TSchema>,
    options: ReplaceOptions = {},
  ): Promise<UpdateResult<TSchema>> {
    gates.replaceOne(options);
    return updateResult(await this.writeSingle(filter, { kind: 'replace', replacement }, options));
  }

  async updateMany(
    filter: Filter<TSchema>,
    update: UpdateFilter<TSchema> | Document[],
    options: UpdateOptions = {},
  ): Promise<UpdateResult<TSchema>> {
    gates.updateMany(options);
    const evaluation = evaluationOf(options);
    checkMatch(filter, evaluation);
    checkUpdate(update);
    if (evaluation?.collation) guardUpdate(update, options.arrayFilters);
    return updateResult(
      await this.engine.write({
        kind: 'writeMany',
        collection: this.collectionName,
        filter,
        update,
        options: writeCallOptions(options),
      }),
    );
  }

  async deleteOne(filter: Filter<TSchema> = {}, options: DeleteOptions = {}): Promise<DeleteResult> {
    gates.deleteOne(options);
    return this.deleteMatching(filter, false, options);
  }

  async deleteMany(filter: Filter<TSchema> = {}, options: DeleteOptions = {}): Promise<DeleteResult> {
    gates.deleteMany(options);
    return this.deleteMatching(filter, true, options);
  }

  private async deleteMatching(filter: Document, many: boolean, options: DeleteOptions): Promise<DeleteResult> {
    const evaluation = evaluationOf(options);
    checkMatch(filter, evaluation);
    const { count } = await this.engine.write({
      kind: 'delete',
      collection: this.collectionName,
      filter,
      many,
      options: evaluationOptions(options),
      document: false,
    });
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
    gates.findOneAndUpdate(options);
    if (options.collation !== undefined) guardProjection(options.projection);
    const outcome = await this.writeSingle(filter, { kind: 'update', update }, options, true);
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
    gates.findOneAndReplace(options);
    if (options.collation !== undefined) guardProjection(options.projection);
    const outcome = await this.writeSingle(filter, { kind: 'replace', replacement }, options, true);
    return findAndModifyResult<TSchema>(outcome, options);
  }

  findOneAndDelete(
    filter: Filter<TSchema>,
    options: FindOneAndDeleteOptions & { includeResultMetadata: true },
  ): Promise<ModifyResult<TSchema>>;
  findOneAndDelete(filter: Filter<TSchema>, options?: FindOneAndDeleteOptions): Promise<WithId<TSchema> | null>;
  async findOneAndDelete(filter: Filter<TSchema>, options: FindOneAndDeleteOptions = {}) {
    gates.findOneAndDelete(options);
    const evaluation = evaluationOf(options);
    checkMatch(filter, evaluation);
    if (evaluation?.collation) guardProjection(options.projection);
    const { count, first } = await this.engine.write({
      kind: 'delete',
      collection: this.collectionName,
      filter,
      many: false,
      ...(options.sort !== undefined ? { sort: options.sort } : {}),
      options: evaluationOptions(options),
      document: true,
    });
    const value = first ? project(first, options.projection) : null;
    return options.includeResultMetadata ? { value, ok: 1, lastErrorObject: { n: count } } : value;
  }

  aggregate<T extends Document = Document>(
    pipeline: Document[] = [],
    options: AggregateOptions = {},
  ): AggregationCursor<T> {
    gates.aggregate(options);
    const evaluation = this.readEvaluation(options);
    if (evaluation?.collation) guardPipeline(pipeline);
    return new EmbeddedAggregationCursor<T>(this.engine, this.collectionName, pipeline, evaluation);
  }

  async createIndex(keySpec: IndexSpecification, options: CreateIndexesOptions = {}): Promise<string> {
    gates.createIndex(options);
    return createIndex(this.engine, this.collectionName, indexDefinition(keySpec, options));
  }

  async createIndexes(specs: IndexDescription[], options?: object): Promise<string[]> {
    gates.createIndexes(options);
    for (const spec of specs) gates.indexDescription(spec);
    const names: string[] = [];
    for (const { key, ...definition } of specs) names.push(await this.createIndex(key, definition));
    return names;
  }

  /** The indexes of a collection; a view has none to list, as MongoDB answers. */
  private indexList(): IndexDescriptionInfo[] {
    const indexes = listIndexes(this.engine, this.collectionName);
    if (indexes.length === 0 && viewOf(this.engine, this.collectionName)) notOnView(this.engine, this.collectionName);
    return indexes;
  }

  listIndexes(options?: object): ListIndexesCursor {
    gates.listIndexes(options);
    return { toArray: async () => this.indexList() };
  }

  async indexes(options?: object): Promise<IndexDescriptionInfo[]> {
    gates.indexes(options);
    return this.indexList();
  }

  async indexExists(names: string | string[], options?: object): Promise<boolean> {
    gates.indexExists(options);
    const existing = new Set(this.indexList().map((index) => index.name));
    return (Array.isArray(names) ? names : [names]).every((name) => existing.has(name));
  }

  async dropIndex(name: string, options?: object): Promise<Document> {
    gates.dropIndex(options);
    await dropIndex(this.engine, this.collectionName, name);
    return { ok: 1 };
  }

  async dropIndexes(): Promise<boolean> {
    for (const index of listIndexes(this.engine, this.collectionName)) {
      if (index.name !== '_id_') await dropIndex(this.engine, this.collectionName, index.name);
    }
    return true;
  }

  async drop(options?: object): Promise<boolean> {
    gates.drop(options);
    return dropCollection(this.engine, this.collectionName);
  }

  watch<TLocal extends Document = TSchema, TChange extends Document = ChangeStreamDocument<TLocal>>(
    pipeline: Document[] = [],
    options: ChangeStreamOptions = {},
  ): EmbeddedChangeStream<TLocal, TChange> {
    gates.watch(options);
    this.engine.refreshCatalog();
    if (viewOf(this.engine, this.collectionName)) notOnView(this.engine, this.collectionName);
    return new EmbeddedChangeStream<TLocal, TChange>(this.engine, this.collectionName, pipeline, options);
  }
}
