import { MongoServerError } from 'mongodb';
import { ObjectId } from '../../../src/datasources/store';
import { storeEngines, uniqueName, useStore } from './engines';

describe.each(storeEngines)('store contract: update operators and upserts (%s)', (_name, engine) => {
  const ctx = useStore(engine);

  async function applied(
    initial: Record<string, unknown>,
    update: Record<string, unknown> | Record<string, unknown>[],
    options = {},
  ) {
    const docs = ctx.db.collection(uniqueName('upd'));
    await docs.insertOne({ _id: 1, ...initial } as never);
    const result = await docs.updateOne({ _id: 1 } as never, update as never, options);
    return { result, doc: await docs.findOne({ _id: 1 } as never) };
  }

  it.each([
    ['$set (nested path)', { a: 1 }, { $set: { a: 2, 'b.c': 3 } }, { _id: 1, a: 2, b: { c: 3 } }],
    ['$unset', { a: 1, b: 2 }, { $unset: { a: '' } }, { _id: 1, b: 2 }],
    ['$inc (creates missing)', { n: 1 }, { $inc: { n: 2, m: -1 } }, { _id: 1, n: 3, m: -1 }],
    ['$mul (missing becomes 0)', { n: 3 }, { $mul: { n: 2, z: 5 } }, { _id: 1, n: 6, z: 0 }],
    ['$min', { lo: 5 }, { $min: { lo: 3, fresh: 1 } }, { _id: 1, lo: 3, fresh: 1 }],
    ['$max', { hi: 5 }, { $max: { hi: 7, lo: 3 } }, { _id: 1, hi: 7, lo: 3 }],
    [
      '$push with $each and $slice',
      { list: [1, 2] },
      { $push: { list: { $each: [3, 4, 5], $slice: -3 } } },
      { _id: 1, list: [3, 4, 5] },
    ],
    [
      '$addToSet with $each',
      { set: ['a'] },
      { $addToSet: { set: { $each: ['a', 'b', 'b'] } } },
      { _id: 1, set: ['a', 'b'] },
    ],
    ['$pull by condition', { list: [1, 5, 2, 7] }, { $pull: { list: { $gt: 4 } } }, { _id: 1, list: [1, 2] }],
    ['$pullAll', { list: [1, 2, 1, 3] }, { $pullAll: { list: [1, 3] } }, { _id: 1, list: [2] }],
    ['$pop', { list: [1, 2, 3] }, { $pop: { list: -1 } }, { _id: 1, list: [2, 3] }],
    ['$rename', { old: 1 }, { $rename: { old: 'new' } }, { _id: 1, new: 1 }],
  ])('%s', async (_label, initial, update, expected) => {
    const { result, doc } = await applied(initial, update);
    expect(result.modifiedCount).toBe(1);
    expect(doc).toEqual(expected);
  });

  it('$currentDate sets a Date', async () => {
    const before = Date.now();
    const { doc } = await applied({}, { $currentDate: { seenAt: true } });
    expect(doc!.seenAt).toBeInstanceOf(Date);
    expect((doc!.seenAt as Date).getTime()).toBeGreaterThanOrEqual(before - 1000);
  });

  it('pipeline-style updates ($set with expressions)', async () => {
    const { doc } = await applied({ tags: ['a', 'b'] }, [
      { $set: { tags: { $setUnion: ['$tags', ['c', 'a']] } } },
      { $set: { count: { $size: '$tags' } } },
    ]);
    expect([...(doc!.tags as string[])].sort()).toEqual(['a', 'b', 'c']);
    expect(doc!.count).toBe(3);
  });

  it('an update that changes nothing matches but does not modify', async () => {
    const { result } = await applied({ a: 1 }, { $set: { a: 1 } });
    expect(result).toMatchObject({ matchedCount: 1, modifiedCount: 0, upsertedCount: 0, upsertedId: null });
  });

  it('updateMany updates every match', async () => {
    const docs = ctx.db.collection(uniqueName('many'));
    await docs.insertMany([
      { g: 1, n: 0 },
      { g: 1, n: 0 },
      { g: 2, n: 0 },
    ]);
    const result = await docs.updateMany({ g: 1 }, { $inc: { n: 1 } });
    expect(result).toMatchObject({ matchedCount: 2, modifiedCount: 2 });
    expect(await docs.distinct('n', { g: 1 })).toEqual([1]);
  });

  it('upsert builds the new document from the filter equalities and $setOnInsert', async () => {
    const docs = ctx.db.collection(uniqueName('upsert'));
    const filter = { bu: 'x', 'day.d': 3, kind: { $eq: 'k' }, $and: [{ region: 'eu' }], score: { $gt: 1 } };
    const update = { $inc: { clicks: 1 }, $setOnInsert: { createdAt: 'first' }, $set: { updated: true } };
    const first = await docs.updateOne(filter, update, { upsert: true });
    expect(first.upsertedCount).toBe(1);
    expect(first.upsertedId).toBeInstanceOf(ObjectId);
    const created = await docs.findOne({ _id: first.upsertedId! });
    expect(created).toEqual({
      _id: first.upsertedId,
      bu: 'x',
      day: { d: 3 },
      kind: 'k',
      region: 'eu',
      clicks: 1,
      createdAt: 'first',
      updated: true,
    });
    await docs.updateOne({ bu: 'x' }, { $inc: { clicks: 1 }, $setOnInsert: { createdAt: 'second' } }, { upsert: true });
    expect(await docs.findOne({ bu: 'x' }, { projection: { _id: 0, clicks: 1, createdAt: 1 } })).toEqual({
      clicks: 2,
      createdAt: 'first',
    });
  });

  it('upsert takes _id from the filter; replaceOne upsert keeps it too', async () => {
    const docs = ctx.db.collection(uniqueName('upsertid'));
    const result = await docs.updateOne({ _id: 'k1' } as never, { $set: { v: 1 } }, { upsert: true });
    expect(result.upsertedId).toBe('k1');
    const replaced = await docs.replaceOne({ _id: 'k2' } as never, { v: 2 }, { upsert: true });
    expect(replaced.upsertedId).toBe('k2');
    expect(await docs.find({}).sort({ _id: 1 }).toArray()).toEqual([
      { _id: 'k1', v: 1 },
      { _id: 'k2', v: 2 },
    ]);
  });

  it('replaceOne replaces the whole document and keeps _id', async () => {
    const docs = ctx.db.collection(uniqueName('replace'));
    await docs.insertOne({ _id: 7, a: 1, b: 2 } as never);
    const result = await docs.replaceOne({ a: 1 }, { c: 3 });
    expect(result).toMatchObject({ matchedCount: 1, modifiedCount: 1 });
    expect(await docs.findOne({ _id: 7 } as never)).toEqual({ _id: 7, c: 3 });
  });

  it('refuses to change _id', async () => {
    const error = await applied({}, { $set: { _id: 2 } }).catch((e) => e);
    expect(error).toBeInstanceOf(MongoServerError);
    expect(error.code).toBe(66);
  });

  it('refuses unknown update operators and conflicting paths', async () => {
    const unknown = await applied({ a: 1 }, { $frobnicate: { a: 1 } }).catch((e) => e);
    expect(unknown).toBeInstanceOf(MongoServerError);
    expect(unknown.code).toBe(9);
    const conflict = await applied({ a: 1 }, { $set: { a: 1 }, $inc: { a: 1 } }).catch((e) => e);
    expect(conflict).toBeInstanceOf(MongoServerError);
    expect(conflict.code).toBe(40);
  });

  it('refuses an update document without operators', async () => {
    const docs = ctx.db.collection(uniqueName('plain'));
    await expect(docs.updateOne({}, { a: 1 } as never)).rejects.toThrow(/atomic operators/);
  });

  it('$min and $max compare across types in BSON order (numbers < strings < dates)', async () => {
    const { doc } = await applied({ hi: 5, lo: 'text', d: new Date(0) }, { $max: { hi: 'a', d: 7 }, $min: { lo: 3 } });
    expect(doc).toEqual({ _id: 1, hi: 'a', lo: 3, d: new Date(0) });
  });

  it('$addToSet compares whole values, documents included', async () => {
    const { doc } = await applied(
      { set: [{ a: 1 }, 1] },
      { $addToSet: { set: { $each: [{ a: 1 }, { a: 2 }, 1.0, 2] } } },
    );
    expect(doc!.set).toEqual([{ a: 1 }, 1, { a: 2 }, 2]);
  });

  it('refuses $inc on a non-numeric field and $addToSet on a non-array (mingo would skip them)', async () => {
    const inc = await applied({ n: 'x' }, { $inc: { n: 1 } }).catch((e) => e);
    expect(inc).toBeInstanceOf(MongoServerError);
    expect(inc.code).toBe(14);
    const badAmount = await applied({ n: 1 }, { $inc: { n: 'one' } }).catch((e) => e);
    expect(badAmount.code).toBe(14);
    const add = await applied({ tags: 'x' }, { $addToSet: { tags: 'y' } }).catch((e) => e);
    expect(add).toBeInstanceOf(MongoServerError);
    expect(add.code).toBe(2);
  });

  it('updates array elements with arrayFilters', async () => {
    const { doc } = await applied(
      { grades: [80, 95, 100] },
      { $set: { 'grades.$[high]': 90 } },
      { arrayFilters: [{ high: { $gte: 95 } }] },
    );
    expect(doc!.grades).toEqual([80, 90, 90]);
  });
});
