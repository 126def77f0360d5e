import { MongoServerError } from 'mongodb';
import type { Document, Store } from '../../../src/datasources/store';
import {
  BULK_MODEL_FIELDS,
  COLLATION_FIELDS,
  INDEX_DESCRIPTION_FIELDS,
  METHOD_OPTIONS,
  type OptionTable,
  type StoreMethod,
} from '../../../src/datasources/store/optionSupport';
import { openTestStore } from '../../support/store';
import { uniqueName } from './engines';

/**
 * Issue 23's rule, walked: every option of every driver method the store offers (the tables
 * of optionSupport.ts, which the compiler holds to the driver and to the port) is either
 * honoured (a call with it succeeds; what it does is proven by the contract suites) or refused
 * with NotImplemented naming it. Nothing is ignored.
 */

type Fixture = { store: Store; token: Document };
/** The driver's signatures, options included, called on the embedded engine as a caller may call them. */
type Loose = Record<string, (...args: any[]) => any>;

const SOURCE = 'walk_source';

async function seeded(fixture: Fixture): Promise<Loose> {
  const docs = fixture.store.db.collection(uniqueName('walk')) as unknown as Loose;
  await docs.insertMany([
    { n: 1, list: [1, 2] },
    { n: 2, list: [3] },
  ]);
  return docs;
}

/** One call of each method with the options given. */
const INVOKE: Record<StoreMethod, (fixture: Fixture, options: Document) => Promise<unknown>> = {
  'collection.insertOne': async (f, o) => (await seeded(f)).insertOne({ n: 3 }, o),
  'collection.insertMany': async (f, o) => (await seeded(f)).insertMany([{ n: 3 }], o),
  'collection.bulkWrite': async (f, o) => (await seeded(f)).bulkWrite([{ insertOne: { document: { n: 3 } } }], o),
  'collection.find': async (f, o) => (await seeded(f)).find({}, o).toArray(),
  'collection.findOne': async (f, o) => (await seeded(f)).findOne({}, o),
  'collection.countDocuments': async (f, o) => (await seeded(f)).countDocuments({}, o),
  'collection.estimatedDocumentCount': async (f, o) => (await seeded(f)).estimatedDocumentCount(o),
  'collection.distinct': async (f, o) => (await seeded(f)).distinct('n', {}, o),
  'collection.aggregate': async (f, o) => (await seeded(f)).aggregate([], o).toArray(),
  'collection.updateOne': async (f, o) => (await seeded(f)).updateOne({}, { $set: { m: 1 } }, o),
  'collection.updateMany': async (f, o) => (await seeded(f)).updateMany({}, { $set: { m: 1 } }, o),
  'collection.replaceOne': async (f, o) => (await seeded(f)).replaceOne({}, { m: 1 }, o),
  'collection.deleteOne': async (f, o) => (await seeded(f)).deleteOne({}, o),
  'collection.deleteMany': async (f, o) => (await seeded(f)).deleteMany({}, o),
  'collection.findOneAndUpdate': async (f, o) => (await seeded(f)).findOneAndUpdate({}, { $set: { m: 1 } }, o),
  'collection.findOneAndReplace': async (f, o) => (await seeded(f)).findOneAndReplace({}, { m: 1 }, o),
  'collection.findOneAndDelete': async (f, o) => (await seeded(f)).findOneAndDelete({}, o),
  'collection.createIndex': async (f, o) => (await seeded(f)).createIndex({ n: 1 }, o),
  'collection.createIndexes': async (f, o) => (await seeded(f)).createIndexes([{ key: { n: 1 } }], o),
  'collection.indexes': async (f, o) => (await seeded(f)).indexes(o),
  'collection.listIndexes': async (f, o) => (await seeded(f)).listIndexes(o).toArray(),
  'collection.indexExists': async (f, o) => (await seeded(f)).indexExists('_id_', o),
  'collection.dropIndex': async (f, o) => {
    const docs = await seeded(f);
    await docs.createIndex({ n: 1 });
    return docs.dropIndex('n_1', o);
  },
  'collection.drop': async (f, o) => (await seeded(f)).drop(o),
  'collection.watch': async (f, o) => (await seeded(f)).watch([], o).close(),
  'db.collection': async (f, o) => (f.store.db as unknown as Loose).collection(uniqueName('walk'), o),
  'db.createCollection': async (f, o) => (f.store.db as unknown as Loose).createCollection(uniqueName('walk'), o),
  'db.dropDatabase': async (f, o) => (f.store.db as unknown as Loose).dropDatabase(o),
  'db.watch': async (f, o) => (f.store.db as unknown as Loose).watch([], o).close(),
  'collection.count': async (f, o) => (await seeded(f)).count({}, o),
  'db.aggregate': async (f, o) => (f.store.db as unknown as Loose).aggregate([{ $documents: [{ n: 1 }] }], o).toArray(),
  'db.command': async (f, o) => (f.store.db as unknown as Loose).command({ ping: 1 }, o),
};

/** Valid options that exercise each honoured option (with what it needs beside it). */
const HONOURED_SAMPLES: Record<string, (fixture: Fixture) => Document> = {
  sort: () => ({ sort: { n: -1 } }),
  skip: () => ({ skip: 1 }),
  limit: () => ({ limit: 1 }),
  projection: () => ({ projection: { n: 1 } }),
  collation: () => ({ collation: { locale: 'en', strength: 2 } }),
  let: () => ({ let: { v: 1 } }),
  batchSize: () => ({ batchSize: 5 }),
  allowDiskUse: () => ({ allowDiskUse: true }),
  ordered: () => ({ ordered: false }),
  upsert: () => ({ upsert: true }),
  arrayFilters: () => ({ arrayFilters: [] }),
  includeResultMetadata: () => ({ includeResultMetadata: true }),
  returnDocument: () => ({ returnDocument: 'after' }),
  name: () => ({ name: 'walked' }),
  unique: () => ({ unique: true }),
  sparse: () => ({ sparse: true }),
  partialFilterExpression: () => ({ partialFilterExpression: { n: { $exists: true } } }),
  expireAfterSeconds: () => ({ expireAfterSeconds: 3600 }),
  fullDocument: () => ({ fullDocument: 'updateLookup' }),
  resumeAfter: (f) => ({ resumeAfter: f.token }),
  startAfter: (f) => ({ startAfter: f.token }),
  viewOn: () => ({ viewOn: SOURCE }),
  pipeline: () => ({ viewOn: SOURCE, pipeline: [{ $match: {} }] }),
};

function honoured(table: OptionTable): string[] {
  return Object.keys(table).filter((name) => table[name]!.support !== 'refused');
}

function refusedNames(table: OptionTable): string[] {
  return Object.keys(table).filter((name) => table[name]!.support === 'refused');
}

async function refusalOf(run: () => Promise<unknown>): Promise<MongoServerError | undefined> {
  try {
    await run();
    return undefined;
  } catch (error) {
    return error as MongoServerError;
  }
}

function expectRefusalNaming(error: MongoServerError | undefined, name: string): void {
  expect(error).toBeInstanceOf(MongoServerError);
  expect({ code: error!.code, codeName: error!.codeName }).toEqual({ code: 238, codeName: 'NotImplemented' });
  expect(error!.message).toContain(`'${name}'`);
  expect(error!.message).toContain('the embedded store does not support');
  expect(String(error!.unsupported)).toContain(`'${name}'`);
}

describe('embedded store: every option of every method is honoured or refused, never ignored', () => {
  const fixture = {} as Fixture;

  beforeAll(async () => {
    fixture.store = await openTestStore();
    await fixture.store.db.collection(SOURCE).insertOne({ n: 1 });
    const stream = fixture.store.db.collection(SOURCE).watch();
    fixture.token = stream.resumeToken as Document;
    await stream.close();
  });
  afterAll(() => fixture.store.close());

  it('has a sample for every honoured option and an invocation for every method', () => {
    const names = new Set(METHOD_OPTIONS.flatMap(({ options }) => honoured(options)));
    expect([...names].filter((name) => !HONOURED_SAMPLES[name])).toEqual([]);
    expect(METHOD_OPTIONS.map(({ method }) => method).filter((method) => !INVOKE[method])).toEqual([]);
  });

  const cases = METHOD_OPTIONS.flatMap(({ method, options }) => [
    ...honoured(options).map((option) => ({ method, option, refused: false })),
    ...refusedNames(options).map((option) => ({ method, option, refused: true })),
  ]);

  it.each(cases.filter((c) => !c.refused))('$method honours $option', async ({ method, option }) => {
    const error = await refusalOf(() => INVOKE[method](fixture, HONOURED_SAMPLES[option]!(fixture)));
    expect(error).toBeUndefined();
  });

  it.each(cases.filter((c) => c.refused))('$method refuses $option', async ({ method, option }) => {
    expectRefusalNaming(await refusalOf(() => INVOKE[method](fixture, { [option]: true })), option);
  });

  it.each(Object.keys(COLLATION_FIELDS))('the collation field %s is honoured or refused', async (field) => {
    const find = (collation: Document) => INVOKE['collection.find'](fixture, { collation });
    if (COLLATION_FIELDS[field as keyof typeof COLLATION_FIELDS].support === 'refused') {
      expectRefusalNaming(await refusalOf(() => find({ locale: 'en', [field]: true })), field);
    } else {
      expect(
        await refusalOf(() => find(field === 'locale' ? { locale: 'fr_CA' } : { locale: 'en', [field]: 1 })),
      ).toBeUndefined();
    }
  });

  const modelCases = Object.entries(BULK_MODEL_FIELDS).flatMap(([model, fields]) =>
    Object.keys(fields).map((field) => ({
      model,
      field,
      refused: (fields as OptionTable)[field]!.support === 'refused',
    })),
  );
  const MODELS: Record<string, Document> = {
    insertOne: { document: { n: 9 } },
    updateOne: {
      filter: {},
      update: { $set: { m: 1 } },
      upsert: true,
      arrayFilters: [],
      sort: { n: 1 },
      collation: { locale: 'en' },
    },
    updateMany: { filter: {}, update: { $set: { m: 1 } }, upsert: true, arrayFilters: [], collation: { locale: 'en' } },
    replaceOne: { filter: {}, replacement: { m: 1 }, upsert: true, sort: { n: 1 }, collation: { locale: 'en' } },
    deleteOne: { filter: {}, collation: { locale: 'en' } },
    deleteMany: { filter: {}, collation: { locale: 'en' } },
  };

  it.each(modelCases)('bulkWrite’s $model model: $field', async ({ model, field, refused }) => {
    const run = async (fields: Document) => (await seeded(fixture)).bulkWrite([{ [model]: fields }]);
    if (refused) expectRefusalNaming(await refusalOf(() => run({ ...MODELS[model], [field]: true })), field);
    else expect(await refusalOf(() => run(MODELS[model]!))).toBeUndefined();
  });

  it.each(Object.keys(INDEX_DESCRIPTION_FIELDS))('an index description of createIndexes: %s', async (field) => {
    const docs = await seeded(fixture);
    const rule = INDEX_DESCRIPTION_FIELDS[field as keyof typeof INDEX_DESCRIPTION_FIELDS];
    if (rule.support === 'refused') {
      expectRefusalNaming(await refusalOf(() => docs.createIndexes([{ key: { n: 1 }, [field]: true }])), field);
    } else {
      const sample = field === 'key' ? {} : HONOURED_SAMPLES[field]!(fixture);
      expect(await refusalOf(() => docs.createIndexes([{ key: { n: 1 }, ...sample }]))).toBeUndefined();
    }
  });
});
