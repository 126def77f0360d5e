import { MongoServerError } from 'mongodb';
import { storeEngines, uniqueName, useStore } from './engines';

/** Issue 23, item 7: `let` defines `$$name` for `$expr` in filters and for pipelines. */
describe.each(storeEngines)('store contract: let variables (%s)', (_name, engine) => {
  const ctx = useStore(engine);
  const byLimit = { $expr: { $lte: ['$n', '$$limit'] } };

  async function numbers() {
    const docs = ctx.db.collection<{ _id: number; n: number; tag?: string }>(uniqueName('let'));
    await docs.insertMany([1, 2, 3, 4].map((n) => ({ _id: n, n })));
    return docs;
  }

  it('find, findOne and countDocuments', async () => {
    const docs = await numbers();
    expect((await docs.find(byLimit, { let: { limit: 2 }, sort: { _id: 1 } }).toArray()).map((d) => d._id)).toEqual([
      1, 2,
    ]);
    expect(await docs.findOne({ $expr: { $eq: ['$n', '$$wanted'] } }, { let: { wanted: 3 } })).toEqual({
      _id: 3,
      n: 3,
    });
    expect(await docs.countDocuments(byLimit, { let: { limit: 3 } })).toBe(3);
  });

  it('each value is an expression, evaluated once', async () => {
    const docs = await numbers();
    expect(await docs.countDocuments(byLimit, { let: { limit: { $add: [1, 1] } } })).toBe(2);
  });

  it('aggregate: in $match $expr and in later stages', async () => {
    const docs = await numbers();
    const pipeline = [
      { $match: byLimit },
      { $set: { scaled: { $multiply: ['$n', '$$factor'] } } },
      { $project: { _id: 0, scaled: 1 } },
    ];
    expect(await docs.aggregate(pipeline, { let: { limit: 2, factor: 10 } }).toArray()).toEqual([
      { scaled: 10 },
      { scaled: 20 },
    ]);
  });

  it('updateOne and updateMany: in the filter and in a pipeline update', async () => {
    const docs = await numbers();
    await docs.updateOne({ $expr: { $eq: ['$n', '$$target'] } }, [{ $set: { tag: '$$label' } }], {
      let: { target: 4, label: 'top' },
    });
    expect(await docs.findOne({ _id: 4 })).toEqual({ _id: 4, n: 4, tag: 'top' });
    const result = await docs.updateMany(byLimit, { $set: { tag: 'low' } }, { let: { limit: 2 } });
    expect(result).toMatchObject({ matchedCount: 2, modifiedCount: 2 });
  });

  it('replaceOne, deleteOne and deleteMany', async () => {
    const docs = await numbers();
    expect(
      await docs.replaceOne({ $expr: { $eq: ['$n', '$$target'] } }, { n: 40 }, { let: { target: 4 } }),
    ).toMatchObject({ modifiedCount: 1 });
    expect(await docs.deleteOne({ $expr: { $eq: ['$n', '$$target'] } }, { let: { target: 3 } })).toMatchObject({
      deletedCount: 1,
    });
    expect(await docs.deleteMany(byLimit, { let: { limit: 2 } })).toMatchObject({ deletedCount: 2 });
    expect(await docs.find({}).toArray()).toEqual([{ _id: 4, n: 40 }]);
  });

  it('findOneAndUpdate, findOneAndReplace and findOneAndDelete', async () => {
    const docs = await numbers();
    const target = { $expr: { $eq: ['$n', '$$target'] } };
    expect(
      await docs.findOneAndUpdate(target, [{ $set: { n: { $add: ['$n', '$$step'] } } }], {
        let: { target: 1, step: 10 },
        returnDocument: 'after',
      }),
    ).toEqual({ _id: 1, n: 11 });
    expect(await docs.findOneAndReplace(target, { n: 20 }, { let: { target: 2 }, returnDocument: 'after' })).toEqual({
      _id: 2,
      n: 20,
    });
    expect(await docs.findOneAndDelete(target, { let: { target: 3 } })).toEqual({ _id: 3, n: 3 });
  });

  it('bulkWrite: one let for every operation', async () => {
    const docs = await numbers();
    const target = { $expr: { $eq: ['$n', '$$target'] } };
    const result = await docs.bulkWrite(
      [
        { updateOne: { filter: target, update: [{ $set: { tag: '$$label' } }] } },
        { deleteMany: { filter: { $expr: { $gt: ['$n', '$$target'] } } } },
      ],
      { let: { target: 2, label: 'two' } },
    );
    expect(result).toMatchObject({ matchedCount: 1, modifiedCount: 1, deletedCount: 2 });
    expect(await docs.find({}, { sort: { _id: 1 } }).toArray()).toEqual([
      { _id: 1, n: 1 },
      { _id: 2, n: 2, tag: 'two' },
    ]);
  });

  it('an undefined variable is the server’s error, not a silent empty result', async () => {
    const docs = await numbers();
    const error = await docs
      .find(byLimit)
      .toArray()
      .catch((e) => e);
    expect(error).toBeInstanceOf(MongoServerError);
  });
});
