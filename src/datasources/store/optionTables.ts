import type * as driver from 'mongodb';
import {
  BSON,
  CALL,
  COLLATION_NOTE,
  COMMAND,
  WRITE,
  allowDiskUse,
  arrayFilters,
  batchSize,
  bypassDocumentValidation,
  collation,
  cursorOptions,
  forceServerObjectId,
  hint,
  includeResultMetadata,
  letVariables,
  noCollation,
  projection,
  readConcern,
  readPreference,
  refused,
  returnDocument,
  session,
  signal,
  sort,
  supported,
  tableOf,
  timeoutMS,
  upsert,
  writeConcern,
} from './optionRules';

/** Each driver method's options, table by table (see optionRules.ts for what a rule says). */

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
