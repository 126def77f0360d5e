/**
 * The document store port: the part of the MongoDB driver's API the service uses, written out so
 * the compiler checks that the embedded engine implements every call domain code makes, and that
 * the driver's own `Db` still fits (test/datasources/store/port.types.test.ts). Shapes follow the
 * driver's declarations; options list only what both engines honour (optionSupport.ts lists every
 * option of the driver with what the embedded engine does with it, and the compiler checks that
 * the two agree).
 *
 * Only the driver's plain structural types are borrowed here (filters, update documents, bulk
 * models, results, change events): its classes have private members no engine could implement.
 */
import type {
  AnyBulkWriteOperation,
  ChangeStreamDocument,
  DeleteResult,
  Document,
  Filter,
  IndexDescriptionInfo,
  InsertManyResult,
  InsertOneResult,
  ModifyResult,
  OptionalUnlessRequiredId,
  ResumeToken,
  UpdateFilter,
  UpdateResult,
  WithId,
  WithoutId,
} from 'mongodb';

export type {
  AnyBulkWriteOperation,
  ChangeStreamDocument,
  DeleteResult,
  Document,
  Filter,
  IndexDescriptionInfo,
  InsertManyResult,
  InsertOneResult,
  ModifyResult,
  OptionalUnlessRequiredId,
  ResumeToken,
  UpdateFilter,
  UpdateResult,
  WithId,
  WithoutId,
};
export { ObjectId } from 'bson';

/** Text-score (`$meta`) sorts are left out: the embedded engine has no text index. */
export type SortDirection = 1 | -1 | 'asc' | 'desc' | 'ascending' | 'descending';

export type Sort =
  | string
  | ReadonlyArray<string>
  | { readonly [key: string]: SortDirection }
  | ReadonlyMap<string, SortDirection>
  | ReadonlyArray<readonly [string, SortDirection]>
  | readonly [string, SortDirection];

/** Ascending and descending keys only: the embedded engine has no text, geo or hashed index. */
export type IndexDirection = 1 | -1;

/** An ordered key pattern, `{ bu: 1, sendDate: -1 }`. */
export type IndexKey = { readonly [field: string]: IndexDirection };

/** `{ a: 1, b: -1 }`, or `'a'`, or `['a', ['b', -1]]`. */
export type IndexSpecification = string | IndexKey | ReadonlyArray<string | [string, IndexDirection]>;

export interface CreateIndexesOptions {
  name?: string;
  unique?: boolean;
  sparse?: boolean;
  partialFilterExpression?: Document;
  /** A TTL index: documents are removed once the indexed date is this old. */
  expireAfterSeconds?: number;
}

/** One index of createIndexes. */
export interface IndexDescription extends CreateIndexesOptions {
  key: IndexKey;
}

/**
 * String comparison by a language's rules, for matching and sorting: strength 1 compares base
 * letters only ('a' = 'á' = 'A'), 2 adds accents ('a' = 'A'), 3 (the default) adds case.
 */
export interface CollationOptions {
  /** An ICU locale as MongoDB names it: 'en', 'en_US', 'fr_CA'... ('simple': binary order). */
  locale: string;
  strength?: 1 | 2 | 3;
}

/** Variables for `$expr` in filters and for pipeline expressions, read as `$$name`. */
export type LetVariables = Document;

/** Options of every call that matches documents by a filter. */
export interface MatchOptions {
  collation?: CollationOptions;
  let?: LetVariables;
}

export interface FindOptions extends MatchOptions {
  sort?: Sort;
  skip?: number;
  limit?: number;
  projection?: Document;
  /** Accepted for MongoDB's sake: the embedded engine streams documents one at a time. */
  batchSize?: number;
  /** Accepted for MongoDB's sake; the embedded engine has no memory limit per stage. */
  allowDiskUse?: boolean;
}

export interface CountDocumentsOptions extends MatchOptions {
  skip?: number;
  limit?: number;
}

export interface DistinctOptions {
  collation?: CollationOptions;
}

export interface AggregateOptions extends MatchOptions {
  /** Accepted for MongoDB's sake; the embedded engine has no memory limit per stage. */
  allowDiskUse?: boolean;
  /** Accepted for MongoDB's sake: the embedded engine streams documents one at a time. */
  batchSize?: number;
}

export interface BulkWriteOptions {
  /** false: go on after a failed write and report every failure at the end. */
  ordered?: boolean;
  let?: LetVariables;
}

export interface UpdateOptions extends MatchOptions {
  upsert?: boolean;
  arrayFilters?: Document[];
}

export interface ReplaceOptions extends MatchOptions {
  upsert?: boolean;
  /** Which document a filter matching several replaces. */
  sort?: Sort;
}

export type DeleteOptions = MatchOptions;

export interface FindOneAndDeleteOptions extends MatchOptions {
  sort?: Sort;
  projection?: Document;
  includeResultMetadata?: boolean;
}

export interface FindOneAndReplaceOptions extends FindOneAndDeleteOptions {
  upsert?: boolean;
  returnDocument?: 'before' | 'after';
}

export interface FindOneAndUpdateOptions extends FindOneAndReplaceOptions {
  arrayFilters?: Document[];
}

export interface ChangeStreamOptions {
  /** 'updateLookup': update events carry the document as it is when the event is read. */
  fullDocument?: 'default' | 'updateLookup';
  resumeAfter?: ResumeToken;
  startAfter?: ResumeToken;
}

/** What bulkWrite reports; failures are thrown as a MongoBulkWriteError carrying this. */
export interface BulkWriteResult {
  readonly insertedCount: number;
  readonly matchedCount: number;
  readonly modifiedCount: number;
  readonly deletedCount: number;
  readonly upsertedCount: number;
  readonly upsertedIds: { [index: number]: any };
  readonly insertedIds: { [index: number]: any };
}

/** Read by both find and aggregation cursors: a document at a time, or all at once. */
export interface Cursor<TSchema> {
  toArray(): Promise<TSchema[]>;
  next(): Promise<TSchema | null>;
  hasNext(): Promise<boolean>;
  close(): Promise<void>;
  /** Closes the cursor when the loop ends, even by break or throw. */
  [Symbol.asyncIterator](): AsyncGenerator<TSchema, void, void>;
}

export interface FindCursor<TSchema = any> extends Cursor<TSchema> {
  sort(sort: Sort, direction?: SortDirection): this;
  skip(value: number): this;
  limit(value: number): this;
  project<T extends Document = Document>(value: Document): FindCursor<T>;
  map<T>(transform: (doc: TSchema) => T): FindCursor<T>;
  /** The chosen plan and what it examined ('executionStats'): how tests prove an index is used. */
  explain(verbosity?: 'queryPlanner' | 'executionStats' | 'allPlansExecution'): Promise<Document>;
}

export type AggregationCursor<TSchema = any> = Cursor<TSchema>;

export interface ListIndexesCursor {
  toArray(): Promise<IndexDescriptionInfo[]>;
}

/** Changes as they are committed: to listeners ('change', 'error', 'close') or by iteration. */
export interface ChangeStream<
  TSchema extends Document = Document,
  TChange extends Document = ChangeStreamDocument<TSchema>,
> {
  readonly closed: boolean;
  /** Pass as `resumeAfter` to continue after the last change read. */
  readonly resumeToken: ResumeToken;
  /** Waits for the next change; rejects once the stream is closed. */
  next(): Promise<TChange>;
  /** The next change if one is waiting, else null (MongoDB: opens the stream's cursor). */
  tryNext(): Promise<TChange | null>;
  close(): Promise<void>;
  [Symbol.asyncIterator](): AsyncGenerator<TChange, void, void>;
  on(event: 'change', listener: (change: TChange) => void): this;
  on(event: 'error', listener: (error: Error) => void): this;
  on(event: 'close', listener: () => void): this;
  once(event: 'change', listener: (change: TChange) => void): this;
  once(event: 'error', listener: (error: Error) => void): this;
  once(event: 'close', listener: () => void): this;
}

export interface Collection<TSchema extends Document = Document> {
  readonly collectionName: string;

  insertOne(doc: OptionalUnlessRequiredId<TSchema>): Promise<InsertOneResult<TSchema>>;
  insertMany(
    docs: ReadonlyArray<OptionalUnlessRequiredId<TSchema>>,
    options?: BulkWriteOptions,
  ): Promise<InsertManyResult<TSchema>>;
  bulkWrite(
    operations: ReadonlyArray<AnyBulkWriteOperation<TSchema>>,
    options?: BulkWriteOptions,
  ): Promise<BulkWriteResult>;

  find(): FindCursor<WithId<TSchema>>;
  find(filter: Filter<TSchema>, options?: FindOptions): FindCursor<WithId<TSchema>>;
  find<T extends Document>(filter: Filter<TSchema>, options?: FindOptions): FindCursor<T>;
  findOne(): Promise<WithId<TSchema> | null>;
  findOne(filter: Filter<TSchema>, options?: FindOptions): Promise<WithId<TSchema> | null>;
  findOne<T = TSchema>(filter: Filter<TSchema>, options?: FindOptions): Promise<T | null>;
  countDocuments(filter?: Filter<TSchema>, options?: CountDocumentsOptions): Promise<number>;
  estimatedDocumentCount(): Promise<number>;
  distinct(key: string, filter?: Filter<TSchema>, options?: DistinctOptions): Promise<any[]>;
  aggregate<T extends Document = Document>(pipeline?: Document[], options?: AggregateOptions): AggregationCursor<T>;

  updateOne(
    filter: Filter<TSchema>,
    update: UpdateFilter<TSchema> | Document[],
    options?: UpdateOptions & { sort?: Sort },
  ): Promise<UpdateResult<TSchema>>;
  updateMany(
    filter: Filter<TSchema>,
    update: UpdateFilter<TSchema> | Document[],
    options?: UpdateOptions,
  ): Promise<UpdateResult<TSchema>>;
  replaceOne(
    filter: Filter<TSchema>,
    replacement: WithoutId<TSchema>,
    options?: ReplaceOptions,
  ): Promise<UpdateResult<TSchema>>;
  deleteOne(filter?: Filter<TSchema>, options?: DeleteOptions): Promise<DeleteResult>;
  deleteMany(filter?: Filter<TSchema>, options?: DeleteOptions): Promise<DeleteResult>;

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
  findOneAndDelete(
    filter: Filter<TSchema>,
    options: FindOneAndDeleteOptions & { includeResultMetadata: true },
  ): Promise<ModifyResult<TSchema>>;
  findOneAndDelete(filter: Filter<TSchema>, options?: FindOneAndDeleteOptions): Promise<WithId<TSchema> | null>;

  createIndex(indexSpec: IndexSpecification, options?: CreateIndexesOptions): Promise<string>;
  createIndexes(indexSpecs: IndexDescription[]): Promise<string[]>;
  indexes(): Promise<IndexDescriptionInfo[]>;
  listIndexes(): ListIndexesCursor;
  indexExists(indexes: string | string[]): Promise<boolean>;
  dropIndex(indexName: string): Promise<Document>;
  drop(): Promise<boolean>;

  watch<TLocal extends Document = TSchema, TChange extends Document = ChangeStreamDocument<TLocal>>(
    pipeline?: Document[],
    options?: ChangeStreamOptions,
  ): ChangeStream<TLocal, TChange>;
}

/** A read-only view: reads run `pipeline` over `viewOn`; writes are refused. */
export interface CreateCollectionOptions {
  viewOn?: string;
  pipeline?: Document[];
}

export interface Db {
  readonly databaseName: string;
  collection<TSchema extends Document = Document>(name: string): Collection<TSchema>;
  /** A collection (created on first write anyway) or, with `viewOn`, a view. */
  createCollection<TSchema extends Document = Document>(
    name: string,
    options?: CreateCollectionOptions,
  ): Promise<Collection<TSchema>>;
  dropDatabase(): Promise<boolean>;
  /** Database-wide changes: every collection's. */
  watch<TSchema extends Document = Document, TChange extends Document = ChangeStreamDocument<TSchema>>(
    pipeline?: Document[],
    options?: ChangeStreamOptions,
  ): ChangeStream<TSchema, TChange>;
}
