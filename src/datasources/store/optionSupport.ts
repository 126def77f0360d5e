import type * as driver from 'mongodb';
import type * as port from './port';

/**
 * Every option of every driver method the store offers, and what the embedded engine does with
 * it: honours it as MongoDB does ('supported'), honours it with a difference its note states
 * ('differs'), or refuses it with a NotImplemented error naming it ('refused'), never ignoring
 * it. The compiler checks each table against the driver (every option listed, none invented)
 * and against the port (the options the port declares are exactly those honoured), so a driver
 * upgrade or a port change cannot leave an option unaccounted for. The embedded engine refuses
 * from these tables, a test walks them on it, and docs/store-compatibility.md is written from them.
 */

export type Support = 'supported' | 'differs' | 'refused';

export interface OptionRule<S extends Support = Support> {
  readonly support: S;
  /** What a caller should know: the difference, or why it is refused. */
  readonly note: string;
}

const supported = (note = ''): OptionRule<'supported'> => ({ support: 'supported', note });
const differs = (note: string): OptionRule<'differs'> => ({ support: 'differs', note });
const refused = (note: string): OptionRule<'refused'> => ({ support: 'refused', note });

export type OptionTable = { readonly [option: string]: OptionRule };

/** The table of a driver options type: each of its options once, and nothing else. */
function tableOf<Options>() {
  return <T extends { readonly [K in keyof Required<Options>]: OptionRule }>(
    table: T & { readonly [K in Exclude<keyof T, keyof Options>]: never },
  ): T => table;
}

const BSON_SETTINGS = 'documents are read and written with the driver’s default BSON settings';

/** Options of every call: refused alike wherever the driver takes them (rendered once in the page). */
export const COMMON_OPTIONS = {
  bsonRegExp: refused(BSON_SETTINGS),
  checkKeys: refused(BSON_SETTINGS),
  enableUtf8Validation: refused(BSON_SETTINGS),
  fieldsAsRaw: refused(BSON_SETTINGS),
  ignoreUndefined: refused(BSON_SETTINGS),
  promoteBuffers: refused(BSON_SETTINGS),
  promoteLongs: refused(BSON_SETTINGS),
  promoteValues: refused(BSON_SETTINGS),
  raw: refused(BSON_SETTINGS),
  serializeFunctions: refused(BSON_SETTINGS),
  useBigInt64: refused(BSON_SETTINGS),
  session: refused('no sessions or transactions'),
  readConcern: refused('one node, no read concerns'),
  readPreference: refused('one node, no read preferences'),
  writeConcern: refused('one node: a write is acknowledged once its commit is on disk'),
  timeoutMS: refused('no operation time limits'),
  maxTimeMS: refused('no operation time limits'),
  comment: refused('nothing would record it'),
  signal: refused('operations cannot be aborted'),
  authdb: refused('no authentication'),
  dbName: refused('a call runs in its own database'),
  explain: refused('use `find(...).explain()`'),
  willRetryWrite: refused('a driver-internal setting'),
} as const;

const {
  bsonRegExp,
  checkKeys,
  enableUtf8Validation,
  fieldsAsRaw,
  ignoreUndefined,
  promoteBuffers,
  promoteLongs,
  promoteValues,
  raw,
  serializeFunctions,
  useBigInt64,
  session,
  readConcern,
  readPreference,
  timeoutMS,
  maxTimeMS,
  comment,
  signal,
  authdb,
  dbName,
  explain,
  willRetryWrite,
  writeConcern,
} = COMMON_OPTIONS;
const BSON = {
  bsonRegExp,
  checkKeys,
  enableUtf8Validation,
  fieldsAsRaw,
  ignoreUndefined,
  promoteBuffers,
  promoteLongs,
  promoteValues,
  raw,
  serializeFunctions,
  useBigInt64,
};
const CALL = { session, readConcern, readPreference, timeoutMS, maxTimeMS, comment };
const COMMAND = { ...BSON, ...CALL, authdb, dbName, explain, willRetryWrite };
const WRITE = { ...COMMAND, writeConcern };

const COLLATION_NOTE = 'locale and strength 1-3 through `Intl.Collator`; see [Collation](#collation)';
const collation = supported(COLLATION_NOTE);
const noCollation = (why: string) => refused(why);
const letVariables = supported('variables for `$expr` and pipeline expressions (`$$name`)');
const hint = refused('the planner chooses the index');
const bypassDocumentValidation = refused('no validators (createCollection refuses them)');
const forceServerObjectId = refused('the `_id` is assigned before the write, as the driver does by default');
const sort = supported();
const projection = supported();
const upsert = supported();
const arrayFilters = supported('refused with a collation');
const includeResultMetadata = supported();
const returnDocument = supported();
const cursorOptions = {
  allowPartialResults: refused('one node, no shards'),
  awaitData: refused('no capped collections, no tailable cursors'),
  tailable: refused('no capped collections, no tailable cursors'),
  maxAwaitTimeMS: refused('no tailable cursors'),
  noCursorTimeout: refused('cursors never time out: there is nothing to turn off'),
  oplogReplay: refused('no oplog queries'),
  timeout: refused('cursors never time out: there is nothing to turn off'),
  timeoutMode: refused('no operation time limits'),
};
const batchSize = supported('documents are streamed one at a time whatever the batch size');
const allowDiskUse = differs('no memory limit per stage: `false` never fails a large sort or group');

export const FIND_OPTIONS = tableOf<driver.FindOptions & driver.Abortable>()({
  ...COMMAND,
  signal,
  ...cursorOptions,
  sort,
  skip: supported(),
  limit: supported(),
  projection,
  collation,
  let: letVariables,
  batchSize,
  allowDiskUse,
  hint,
  min: refused('no index bounds by hand'),
  max: refused('no index bounds by hand'),
  returnKey: refused('no index keys in results'),
  showRecordId: refused('no record ids'),
  singleBatch: refused('no batches: documents are streamed'),
});

export const COUNT_DOCUMENTS_OPTIONS = tableOf<driver.CountDocumentsOptions & driver.Abortable>()({
  ...WRITE,
  signal,
  skip: supported(),
  limit: supported(),
  collation,
  let: letVariables,
  hint,
  allowDiskUse: refused('a count holds no documents in memory'),
  batchSize: refused('a count returns one number'),
  bypassDocumentValidation,
  cursor: refused('a count returns one number'),
  maxAwaitTimeMS: refused('no tailable cursors'),
  out: refused('a count writes nothing'),
});

export const COUNT_OPTIONS = tableOf<driver.CountOptions>()({
  ...WRITE,
  skip: supported(),
  limit: supported(),
  collation,
  hint,
});

export const DISTINCT_OPTIONS = tableOf<driver.DistinctOptions>()({ ...WRITE, collation, hint });

export const ESTIMATED_COUNT_OPTIONS = tableOf<driver.EstimatedDocumentCountOptions>()({
  ...WRITE,
  collation: noCollation('the count of every document compares no strings'),
});

export const AGGREGATE_OPTIONS = tableOf<driver.AggregateOptions & driver.Abortable>()({
  ...WRITE,
  signal,
  allowDiskUse,
  batchSize,
  collation: supported(`${COLLATION_NOTE}; stages and operators that group or compare sets are refused with one`),
  let: letVariables,
  hint,
  bypassDocumentValidation,
  cursor: refused('use `batchSize`'),
  maxAwaitTimeMS: refused('no tailable cursors'),
  out: refused('no `$out` (see Stages)'),
});

export const BULK_WRITE_OPTIONS = tableOf<driver.BulkWriteOptions>()({
  ...WRITE,
  ordered: supported(),
  let: letVariables,
  collation: noCollation('give each operation its own `collation`'),
  bypassDocumentValidation,
  forceServerObjectId,
});

export const INSERT_ONE_OPTIONS = tableOf<driver.InsertOneOptions>()({
  ...WRITE,
  collation: noCollation('an insert compares no strings'),
  bypassDocumentValidation,
  forceServerObjectId,
});

const UPDATE_COMMON = {
  ...WRITE,
  upsert,
  arrayFilters,
  collation,
  let: letVariables,
  hint,
  bypassDocumentValidation,
};

export const UPDATE_MANY_OPTIONS = tableOf<driver.UpdateOptions>()(UPDATE_COMMON);

export const UPDATE_ONE_OPTIONS = tableOf<driver.UpdateOptions & { sort?: driver.Sort }>()({ ...UPDATE_COMMON, sort });

export const REPLACE_OPTIONS = tableOf<driver.ReplaceOptions>()({
  ...WRITE,
  upsert,
  sort,
  collation,
  let: letVariables,
  hint,
  bypassDocumentValidation,
});

export const DELETE_OPTIONS = tableOf<driver.DeleteOptions>()({
  ...WRITE,
  collation,
  let: letVariables,
  hint,
  ordered: refused('a delete is one operation'),
});

const FIND_AND_MODIFY_COMMON = {
  ...WRITE,
  sort,
  projection,
  includeResultMetadata,
  collation,
  let: letVariables,
  hint,
};

export const FIND_ONE_AND_DELETE_OPTIONS = tableOf<driver.FindOneAndDeleteOptions>()(FIND_AND_MODIFY_COMMON);

export const FIND_ONE_AND_REPLACE_OPTIONS = tableOf<driver.FindOneAndReplaceOptions>()({
  ...FIND_AND_MODIFY_COMMON,
  upsert,
  returnDocument,
  bypassDocumentValidation,
});

export const FIND_ONE_AND_UPDATE_OPTIONS = tableOf<driver.FindOneAndUpdateOptions>()({
  ...FIND_AND_MODIFY_COMMON,
  upsert,
  returnDocument,
  arrayFilters,
  bypassDocumentValidation,
});

const INDEX_SPEC_OPTIONS = {
  name: supported(),
  unique: supported(),
  sparse: supported(),
  partialFilterExpression: supported(),
  expireAfterSeconds: supported('documents are removed by a sweep every `STORE_TTL_INTERVAL_SECONDS`'),
  collation: noCollation('index keys are kept in binary order, which `Intl.Collator` cannot give'),
  hidden: refused('no hidden indexes'),
  background: refused('indexes are built in one write'),
  storageEngine: refused('one storage engine'),
  version: refused('one index format'),
  weights: refused('no text indexes'),
  default_language: refused('no text indexes'),
  language_override: refused('no text indexes'),
  textIndexVersion: refused('no text indexes'),
  '2dsphereIndexVersion': refused('no geospatial indexes'),
  bits: refused('no geospatial indexes'),
  min: refused('no geospatial indexes'),
  max: refused('no geospatial indexes'),
  bucketSize: refused('no geospatial indexes'),
  wildcardProjection: refused('no wildcard indexes'),
};

export const CREATE_INDEX_OPTIONS = tableOf<driver.CreateIndexesOptions>()({
  ...COMMAND,
  ...INDEX_SPEC_OPTIONS,
  commitQuorum: refused('one node'),
});

/** One element of createIndexes' list. */
export const INDEX_DESCRIPTION_FIELDS = tableOf<driver.IndexDescription>()({
  key: supported('ascending (1) and descending (-1) keys only'),
  ...INDEX_SPEC_OPTIONS,
});

export const DROP_INDEX_OPTIONS = tableOf<driver.DropIndexesOptions>()({
  ...WRITE,
  collation: noCollation('dropping an index compares no strings'),
});

const LIST_CURSOR = {
  ...BSON,
  ...CALL,
  batchSize: refused('indexes are listed at once'),
  awaitData: cursorOptions.awaitData,
  tailable: cursorOptions.tailable,
  maxAwaitTimeMS: cursorOptions.maxAwaitTimeMS,
  noCursorTimeout: cursorOptions.noCursorTimeout,
  timeoutMode: cursorOptions.timeoutMode,
};

export const LIST_INDEXES_OPTIONS = tableOf<driver.ListIndexesOptions>()(LIST_CURSOR);

export const INDEX_INFORMATION_OPTIONS = tableOf<driver.IndexInformationOptions>()({
  ...LIST_CURSOR,
  full: refused('indexes are listed in full'),
});

export const DROP_COLLECTION_OPTIONS = tableOf<driver.DropCollectionOptions>()({
  ...WRITE,
  collation: noCollation('a drop compares no strings'),
  encryptedFields: refused('no queryable encryption'),
});

export const DROP_DATABASE_OPTIONS = tableOf<driver.DropDatabaseOptions>()({
  ...WRITE,
  collation: noCollation('a drop compares no strings'),
});

export const CHANGE_STREAM_OPTIONS = tableOf<driver.ChangeStreamOptions>()({
  ...COMMAND,
  fullDocument: supported('`default` or `updateLookup`; `whenAvailable` and `required` are refused (no post-images)'),
  resumeAfter: supported(),
  startAfter: supported(),
  fullDocumentBeforeChange: refused('no pre-images'),
  showExpandedEvents: refused('no DDL events beyond drop'),
  startAtOperationTime: refused('resume from a token instead'),
  batchSize: refused('events are delivered as they commit'),
  maxAwaitTimeMS: refused('events are delivered as they commit'),
  collation: noCollation('no collation on change streams'),
  let: refused('no variables in change stream pipelines'),
  hint,
  allowDiskUse: refused('events are delivered as they commit'),
  bypassDocumentValidation,
  cursor: refused('events are delivered as they commit'),
  out: refused('a change stream writes nothing'),
});

export const CREATE_COLLECTION_OPTIONS = tableOf<driver.CreateCollectionOptions>()({
  ...WRITE,
  viewOn: supported('a read-only view: reads run its pipeline, writes are refused as MongoDB refuses them'),
  pipeline: supported('the view’s pipeline'),
  collation: noCollation('no default collation for collections or views'),
  capped: refused('no capped collections'),
  size: refused('no capped collections'),
  max: refused('no capped collections'),
  validator: refused('no document validation'),
  validationLevel: refused('no document validation'),
  validationAction: refused('no document validation'),
  timeseries: refused('no time series collections'),
  expireAfterSeconds: refused('no time series or clustered collections; use a TTL index'),
  clusteredIndex: refused('no clustered collections'),
  changeStreamPreAndPostImages: refused('no pre- or post-images'),
  encryptedFields: refused('no queryable encryption'),
  storageEngine: refused('one storage engine'),
  indexOptionDefaults: refused('one storage engine'),
  flags: refused('one storage engine'),
  pkFactory: refused('`_id`s are ObjectIds unless given'),
});

export const COLLECTION_OPTIONS = tableOf<driver.CollectionOptions>()({
  ...BSON,
  readConcern,
  readPreference,
  writeConcern,
  timeoutMS,
});

export const RUN_COMMAND_OPTIONS = tableOf<driver.RunCommandOptions & driver.Abortable>()({
  ...BSON,
  readPreference,
  session,
  timeoutMS,
  signal,
});

/** The `collation` document itself. */
export const COLLATION_FIELDS = tableOf<driver.CollationOptions>()({
  locale: supported('a locale `Intl.Collator` knows (`en`, `en_US`, `fr_CA`...) or `simple`; `@` variants are refused'),
  strength: supported('1 (base letters), 2 (and accents), 3 (and case, the default); 4 and 5 are refused'),
  caseLevel: refused('not offered by `Intl.Collator` with MongoDB’s meaning'),
  caseFirst: refused('not implemented'),
  numericOrdering: refused('not implemented'),
  alternate: refused('not implemented'),
  maxVariable: refused('not implemented'),
  normalization: refused('not implemented'),
  backwards: refused('not implemented'),
});

/** The operation models of bulkWrite. */
export const BULK_MODEL_FIELDS = {
  insertOne: tableOf<driver.InsertOneModel>()({ document: supported() }),
  updateOne: tableOf<driver.UpdateOneModel>()({
    filter: supported(),
    update: supported(),
    upsert,
    arrayFilters,
    sort,
    collation,
    hint,
  }),
  updateMany: tableOf<driver.UpdateManyModel>()({
    filter: supported(),
    update: supported(),
    upsert,
    arrayFilters,
    collation,
    hint,
  }),
  replaceOne: tableOf<driver.ReplaceOneModel>()({
    filter: supported(),
    replacement: supported(),
    upsert,
    sort,
    collation,
    hint,
  }),
  deleteOne: tableOf<driver.DeleteOneModel>()({ filter: supported(), collation, hint }),
  deleteMany: tableOf<driver.DeleteManyModel>()({ filter: supported(), collation, hint }),
} as const;

export interface MethodOptions {
  /** `collection.find`, `db.createCollection`... */
  readonly method: string;
  /** False for the engine's calls beyond the port (the driver has them; domain code does not use them). */
  readonly inPort: boolean;
  readonly options: OptionTable;
}

/** Every method with an options argument, with the table its options are checked against. */
export const METHOD_OPTIONS = [
  { method: 'collection.insertOne', inPort: true, options: INSERT_ONE_OPTIONS },
  { method: 'collection.insertMany', inPort: true, options: BULK_WRITE_OPTIONS },
  { method: 'collection.bulkWrite', inPort: true, options: BULK_WRITE_OPTIONS },
  { method: 'collection.find', inPort: true, options: FIND_OPTIONS },
  { method: 'collection.findOne', inPort: true, options: FIND_OPTIONS },
  { method: 'collection.countDocuments', inPort: true, options: COUNT_DOCUMENTS_OPTIONS },
  { method: 'collection.estimatedDocumentCount', inPort: true, options: ESTIMATED_COUNT_OPTIONS },
  { method: 'collection.distinct', inPort: true, options: DISTINCT_OPTIONS },
  { method: 'collection.aggregate', inPort: true, options: AGGREGATE_OPTIONS },
  { method: 'collection.updateOne', inPort: true, options: UPDATE_ONE_OPTIONS },
  { method: 'collection.updateMany', inPort: true, options: UPDATE_MANY_OPTIONS },
  { method: 'collection.replaceOne', inPort: true, options: REPLACE_OPTIONS },
  { method: 'collection.deleteOne', inPort: true, options: DELETE_OPTIONS },
  { method: 'collection.deleteMany', inPort: true, options: DELETE_OPTIONS },
  { method: 'collection.findOneAndUpdate', inPort: true, options: FIND_ONE_AND_UPDATE_OPTIONS },
  { method: 'collection.findOneAndReplace', inPort: true, options: FIND_ONE_AND_REPLACE_OPTIONS },
  { method: 'collection.findOneAndDelete', inPort: true, options: FIND_ONE_AND_DELETE_OPTIONS },
  { method: 'collection.createIndex', inPort: true, options: CREATE_INDEX_OPTIONS },
  { method: 'collection.createIndexes', inPort: true, options: CREATE_INDEX_OPTIONS },
  { method: 'collection.indexes', inPort: true, options: INDEX_INFORMATION_OPTIONS },
  { method: 'collection.listIndexes', inPort: true, options: LIST_INDEXES_OPTIONS },
  { method: 'collection.indexExists', inPort: true, options: LIST_INDEXES_OPTIONS },
  { method: 'collection.dropIndex', inPort: true, options: DROP_INDEX_OPTIONS },
  { method: 'collection.drop', inPort: true, options: DROP_COLLECTION_OPTIONS },
  { method: 'collection.watch', inPort: true, options: CHANGE_STREAM_OPTIONS },
  { method: 'db.collection', inPort: true, options: COLLECTION_OPTIONS },
  { method: 'db.createCollection', inPort: true, options: CREATE_COLLECTION_OPTIONS },
  { method: 'db.dropDatabase', inPort: true, options: DROP_DATABASE_OPTIONS },
  { method: 'db.watch', inPort: true, options: CHANGE_STREAM_OPTIONS },
  { method: 'collection.count', inPort: false, options: COUNT_OPTIONS },
  { method: 'db.aggregate', inPort: false, options: AGGREGATE_OPTIONS },
  { method: 'db.command', inPort: false, options: RUN_COMMAND_OPTIONS },
] as const satisfies ReadonlyArray<MethodOptions>;

export type StoreMethod = (typeof METHOD_OPTIONS)[number]['method'];

/** Documents inside options whose fields are checked too. */
export const NESTED_FIELDS = [
  { path: 'collation', fields: COLLATION_FIELDS as OptionTable },
  { path: 'createIndexes: an index description', fields: INDEX_DESCRIPTION_FIELDS as OptionTable },
  ...Object.entries(BULK_MODEL_FIELDS).map(([model, fields]) => ({
    path: `bulkWrite: ${model}`,
    fields: fields as OptionTable,
  })),
];

type Honoured<T> = { [K in keyof T]: T[K] extends OptionRule<'refused'> ? never : K }[keyof T];
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Options<M extends (...args: never[]) => unknown, I extends number> = NonNullable<Parameters<M>[I]>;
type PortCollection = port.Collection;

/**
 * The options the port declares for a method are exactly those its table honours (a method
 * whose port signature takes no options honours none). Checked by `npm run typecheck`.
 */
export const PORT_AGREES_WITH_TABLES: [
  Same<Honoured<typeof FIND_OPTIONS>, keyof port.FindOptions>,
  Same<Honoured<typeof COUNT_DOCUMENTS_OPTIONS>, keyof port.CountDocumentsOptions>,
  Same<Honoured<typeof DISTINCT_OPTIONS>, keyof port.DistinctOptions>,
  Same<Honoured<typeof ESTIMATED_COUNT_OPTIONS>, never>,
  Same<Honoured<typeof AGGREGATE_OPTIONS>, keyof port.AggregateOptions>,
  Same<Honoured<typeof BULK_WRITE_OPTIONS>, keyof port.BulkWriteOptions>,
  Same<Honoured<typeof INSERT_ONE_OPTIONS>, never>,
  Same<Honoured<typeof UPDATE_ONE_OPTIONS>, keyof Options<PortCollection['updateOne'], 2>>,
  Same<Honoured<typeof UPDATE_MANY_OPTIONS>, keyof Options<PortCollection['updateMany'], 2>>,
  Same<Honoured<typeof REPLACE_OPTIONS>, keyof port.ReplaceOptions>,
  Same<Honoured<typeof DELETE_OPTIONS>, keyof port.DeleteOptions>,
  Same<Honoured<typeof FIND_ONE_AND_UPDATE_OPTIONS>, keyof port.FindOneAndUpdateOptions>,
  Same<Honoured<typeof FIND_ONE_AND_REPLACE_OPTIONS>, keyof port.FindOneAndReplaceOptions>,
  Same<Honoured<typeof FIND_ONE_AND_DELETE_OPTIONS>, keyof port.FindOneAndDeleteOptions>,
  Same<Honoured<typeof CREATE_INDEX_OPTIONS>, keyof port.CreateIndexesOptions>,
  Same<Honoured<typeof INDEX_DESCRIPTION_FIELDS>, keyof port.IndexDescription>,
  Same<Honoured<typeof INDEX_INFORMATION_OPTIONS>, never>,
  Same<Honoured<typeof LIST_INDEXES_OPTIONS>, never>,
  Same<Honoured<typeof DROP_INDEX_OPTIONS>, never>,
  Same<Honoured<typeof DROP_COLLECTION_OPTIONS>, never>,
  Same<Honoured<typeof DROP_DATABASE_OPTIONS>, never>,
  Same<Honoured<typeof CHANGE_STREAM_OPTIONS>, keyof port.ChangeStreamOptions>,
  Same<Honoured<typeof CREATE_COLLECTION_OPTIONS>, keyof port.CreateCollectionOptions>,
  Same<Honoured<typeof COLLECTION_OPTIONS>, never>,
  Same<Honoured<typeof COLLATION_FIELDS>, keyof port.CollationOptions>,
] = [
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
];
