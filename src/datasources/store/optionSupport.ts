import type * as port from './port';
import type { OptionRule, OptionTable } from './optionRules';
import {
  FIND_OPTIONS,
  COUNT_DOCUMENTS_OPTIONS,
  COUNT_OPTIONS,
  DISTINCT_OPTIONS,
  ESTIMATED_COUNT_OPTIONS,
  AGGREGATE_OPTIONS,
  BULK_WRITE_OPTIONS,
  INSERT_ONE_OPTIONS,
  UPDATE_MANY_OPTIONS,
  UPDATE_ONE_OPTIONS,
  REPLACE_OPTIONS,
  DELETE_OPTIONS,
  FIND_ONE_AND_DELETE_OPTIONS,
  FIND_ONE_AND_REPLACE_OPTIONS,
  FIND_ONE_AND_UPDATE_OPTIONS,
  CREATE_INDEX_OPTIONS,
  INDEX_DESCRIPTION_FIELDS,
  DROP_INDEX_OPTIONS,
  LIST_INDEXES_OPTIONS,
  INDEX_INFORMATION_OPTIONS,
  DROP_COLLECTION_OPTIONS,
  DROP_DATABASE_OPTIONS,
  CHANGE_STREAM_OPTIONS,
  CREATE_COLLECTION_OPTIONS,
  COLLECTION_OPTIONS,
  RUN_COMMAND_OPTIONS,
  COLLATION_FIELDS,
  BULK_MODEL_FIELDS,
} from './optionTables';

export type { OptionRule, OptionTable, Support } from './optionRules';
export { COMMON_OPTIONS } from './optionRules';
export * from './optionTables';

/**
 * Every option of every driver method the store offers, and what the embedded engine does with
 * it: honours it as MongoDB does ('supported'), honours it with a difference its note states
 * ('differs'), or refuses it with a NotImplemented error naming it ('refused'), never ignoring
 * it. The compiler checks each table against the driver (every option listed, none invented)
 * and against the port (the options the port declares are exactly those honoured), so a driver
 * upgrade or a port change cannot leave an option unaccounted for. The embedded engine refuses
 * from these tables, a test walks them on it, and docs/store-compatibility.md is written from them.
 */

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
