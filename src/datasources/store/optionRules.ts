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

export const supported = (note = ''): OptionRule<'supported'> => ({ support: 'supported', note });
export const differs = (note: string): OptionRule<'differs'> => ({ support: 'differs', note });
export const refused = (note: string): OptionRule<'refused'> => ({ support: 'refused', note });

export type OptionTable = { readonly [option: string]: OptionRule };

/** The table of a driver options type: each of its options once, and nothing else. */
export function tableOf<Options>() {
  return <T extends { readonly [K in keyof Required<Options>]: OptionRule }>(
    table: T & { readonly [K in Exclude<keyof T, keyof Options>]: never },
  ): T => table;
}

export const BSON_SETTINGS = 'documents are read and written with the driver’s default BSON settings';

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

export const {
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
export const BSON = {
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
export const CALL = { session, readConcern, readPreference, timeoutMS, maxTimeMS, comment };
export const COMMAND = { ...BSON, ...CALL, authdb, dbName, explain, willRetryWrite };
export const WRITE = { ...COMMAND, writeConcern };

export const COLLATION_NOTE = 'locale and strength 1-3 through `Intl.Collator`; see [Collation](#collation)';
export const collation = supported(COLLATION_NOTE);
export const noCollation = (why: string) => refused(why);
export const letVariables = supported('variables for `$expr` and pipeline expressions (`$$name`)');
export const hint = refused('the planner chooses the index');
export const bypassDocumentValidation = refused('no validators (createCollection refuses them)');
export const forceServerObjectId = refused('the `_id` is assigned before the write, as the driver does by default');
export const sort = supported();
export const projection = supported();
export const upsert = supported();
export const arrayFilters = supported('refused with a collation');
export const includeResultMetadata = supported();
export const returnDocument = supported();
export const cursorOptions = {
  allowPartialResults: refused('one node, no shards'),
  awaitData: refused('no capped collections, no tailable cursors'),
  tailable: refused('no capped collections, no tailable cursors'),
  maxAwaitTimeMS: refused('no tailable cursors'),
  noCursorTimeout: refused('cursors never time out: there is nothing to turn off'),
  oplogReplay: refused('no oplog queries'),
  timeout: refused('cursors never time out: there is nothing to turn off'),
  timeoutMode: refused('no operation time limits'),
};
export const batchSize = supported('documents are streamed one at a time whatever the batch size');
export const allowDiskUse = differs('no memory limit per stage: `false` never fails a large sort or group');
