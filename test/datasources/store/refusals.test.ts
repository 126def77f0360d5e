import { MongoServerError } from 'mongodb';
import type { Collection, Db, Document } from '../../../src/datasources/store';
import { openTestStore } from '../../support/store';

/**
 * What the embedded engine refuses (issue 23: options, stages, operators and commands it does not
 * implement answer with NotImplemented, code 238, naming what was refused), and where it refuses
 * as MongoDB does. MongoDB runs most of these, so they are not contract tests.
 */

async function refusal(run: () => unknown): Promise<MongoServerError> {
  let error: unknown;
  try {
    await run();
  } catch (caught) {
    error = caught;
  }
  expect(error).toBeInstanceOf(MongoServerError);
  return error as MongoServerError;
}

function expectNotImplemented(error: MongoServerError, named: string): void {
  expect(error.code).toBe(238);
  expect(error.codeName).toBe('NotImplemented');
  expect(error.message).toContain('the embedded store does not support');
  expect(error.message).toContain(named);
  expect(String(error.unsupported)).toContain(named);
}

describe('embedded store: loud refusals', () => {
  let close: () => Promise<void>;
  let db: Db & {
    command(command: Document): Promise<Document>;
    aggregate(pipeline: Document[]): { toArray(): Promise<Document[]> };
  };
  let docs: Collection;

  beforeAll(async () => {
    const store = await openTestStore();
    close = store.close;
    db = store.db as typeof db;
    docs = db.collection('things');
    await docs.insertMany([
      { _id: 1, x: 'a', list: ['a', 'B'] },
      { _id: 2, x: 'B', list: [] },
    ] as never[]);
  });
  afterAll(() => close());

  it('item 8: $out and $merge, top level or inside $facet', async () => {
    expectNotImplemented(await refusal(() => docs.aggregate([{ $out: 'copy' }]).toArray()), '$out');
    expectNotImplemented(await refusal(() => docs.aggregate([{ $merge: { into: 'copy' } }]).toArray()), '$merge');
    expectNotImplemented(
      await refusal(() => docs.aggregate([{ $facet: { x: [{ $geoNear: {} }] } }]).toArray()),
      '$geoNear',
    );
  });

  it('item 8: collMod and every other command but ping and buildInfo', async () => {
    expectNotImplemented(await refusal(() => db.command({ collMod: 'things', validator: {} })), 'collMod');
    expectNotImplemented(await refusal(() => db.command({ dbStats: 1 })), 'dbStats');
    expect(await db.command({ ping: 1 })).toEqual({ ok: 1 });
  });

  it('item 8: db.aggregate() with a stage that lists server state', async () => {
    expectNotImplemented(await refusal(() => db.aggregate([{ $currentOp: {} }]).toArray()), '$currentOp');
  });

  it('item 1: collation fields and strengths beyond locale and strength 1-3, and index collations', async () => {
    expectNotImplemented(
      await refusal(() => docs.find({}, { collation: { locale: 'en', numericOrdering: true } as never }).toArray()),
      'numericOrdering',
    );
    expectNotImplemented(
      await refusal(() => docs.countDocuments({}, { collation: { locale: 'en', strength: 5 } as never })),
      'strength 5',
    );
    expectNotImplemented(
      await refusal(() => docs.find({}, { collation: { locale: 'de@collation=phonebook' } }).toArray()),
      'phonebook',
    );
    const index = await refusal(() => docs.createIndex({ x: 1 }, { collation: { locale: 'en' } } as never));
    expectNotImplemented(index, "'collation'");
    const badLocale = await refusal(() => docs.find({}, { collation: { locale: 'xx_YY' } }).toArray());
    expect(badLocale.code).toBe(2);
  });

  it('item 1: under a collation, what would compare strings without it', async () => {
    const caseless = { collation: { locale: 'en', strength: 2 as const } };
    expectNotImplemented(
      await refusal(() => docs.aggregate([{ $group: { _id: '$x' } }], caseless).toArray()),
      '$group',
    );
    expectNotImplemented(
      await refusal(() => docs.aggregate([{ $project: { u: { $setUnion: ['$list', []] } } }], caseless).toArray()),
      '$setUnion',
    );
    expectNotImplemented(await refusal(() => docs.updateOne({}, { $pull: { list: 'b' } } as never, caseless)), '$pull');
    expectNotImplemented(
      await refusal(() =>
        docs.updateOne({}, { $set: { 'list.$[e]': 1 } }, { ...caseless, arrayFilters: [{ e: 'b' }] }),
      ),
      'arrayFilters',
    );
    expectNotImplemented(
      await refusal(() => docs.find({ list: 'b' }, { ...caseless, projection: { 'list.$': 1 } }).toArray()),
      'positional',
    );
    // A constant group key compares nothing: allowed.
    expect(
      await docs.aggregate([{ $match: { x: 'b' } }, { $group: { _id: null, n: { $sum: 1 } } }], caseless).toArray(),
    ).toEqual([{ _id: null, n: 1 }]);
  });

  it('item 5: createCollection options other than viewOn and pipeline', async () => {
    for (const option of [
      { capped: true, size: 1024 },
      { validator: { x: { $type: 'string' } } },
      { timeseries: { timeField: 't' } },
      { collation: { locale: 'en' } },
    ]) {
      const error = await refusal(() => db.createCollection('refused', option as never));
      expectNotImplemented(error, `'${Object.keys(option)[0]}'`);
    }
    expect((await db.collection('refused').find({}).toArray()).length).toBe(0);
  });

  it('item 5: a view keeps its own (simple) collation, as MongoDB does', async () => {
    const view = await db.createCollection('thingsView', { viewOn: 'things', pipeline: [] });
    const error = await refusal(() => view.find({}, { collation: { locale: 'en', strength: 2 } }).toArray());
    expect(error.code).toBe(167);
  });

  it('options of the driver the engine does not implement, by name', async () => {
    expectNotImplemented(await refusal(() => docs.find({}, { hint: { _id: 1 } } as never).toArray()), "'hint'");
    expectNotImplemented(
      await refusal(() => docs.updateOne({}, { $set: { y: 1 } }, { session: {} } as never)),
      "'session'",
    );
    expectNotImplemented(
      await refusal(() => docs.bulkWrite([{ deleteOne: { filter: {}, hint: 'x_1' } }] as never)),
      "'hint'",
    );
    expectNotImplemented(await refusal(() => docs.watch([], { fullDocument: 'required' } as never)), 'required');
  });

  it('operators MongoDB has and the engine does not', async () => {
    expectNotImplemented(await refusal(() => docs.find({ $text: { $search: 'a' } }).toArray()), '$text');
    expectNotImplemented(await refusal(() => docs.find({ $where: 'true' } as never).toArray()), '$where');
    expectNotImplemented(
      await refusal(() => docs.aggregate([{ $project: { id: { $toObjectId: '$x' } } }]).toArray()),
      '$toObjectId',
    );
    const unknown = await refusal(() => docs.aggregate([{ $project: { v: { $frobnicate: 1 } } }]).toArray());
    expect(unknown.code).toBe(168);
  });
});
