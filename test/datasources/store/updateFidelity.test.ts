import { MongoBulkWriteError, MongoServerError } from 'mongodb';
import type { Collection } from '../../../src/datasources/store';
import { storeEngines, uniqueName, useStore } from './engines';

/** Documents whose `_id` is whatever the test gives it (a number, null, a sub-document). */
type AnyId = { _id?: number | string | null | Record<string, unknown>; [field: string]: unknown };

/** Issue 23, items 2, 3, 4 and 6: pipeline updates, `null` upserted ids, `$` inside `_id`. */
describe.each(storeEngines)('store contract: pipeline updates and _id rules (%s)', (_name, engine) => {
  const ctx = useStore(engine);
  const collection = (prefix: string): Collection<AnyId> => ctx.db.collection<AnyId>(uniqueName(prefix));

  async function single(document: Record<string, unknown>) {
    const docs = collection('pipe');
    await docs.insertOne(document);
    return docs;
  }

  it('item 2: $replaceWith with $mergeObjects over $$ROOT', async () => {
    const docs = await single({ _id: 1, a: 2 });
    const result = await docs.updateOne({ _id: 1 }, [{ $replaceWith: { $mergeObjects: ['$$ROOT', { z: 1 }] } }]);
    expect(result).toMatchObject({ matchedCount: 1, modifiedCount: 1 });
    expect(await docs.findOne({ _id: 1 })).toEqual({ _id: 1, a: 2, z: 1 });
  });

  it('item 2: the same pipeline through updateMany and findOneAndUpdate', async () => {
    const docs = collection('pipemany');
    await docs.insertMany([
      { _id: 1, a: 1 },
      { _id: 2, a: 2 },
    ] as never[]);
    const merge = [{ $replaceWith: { $mergeObjects: ['$$ROOT', { seen: true }] } }];
    expect(await docs.updateMany({}, merge)).toMatchObject({ matchedCount: 2, modifiedCount: 2 });
    const after = await docs.findOneAndUpdate(
      { _id: 2 },
      [{ $replaceWith: { $mergeObjects: [{ b: '$a' }, '$$ROOT'] } }],
      { returnDocument: 'after' },
    );
    expect(after).toEqual({ _id: 2, a: 2, seen: true, b: 2 });
  });

  it('item 3: a pipeline whose result has no _id keeps the document’s _id', async () => {
    const docs = await single({ _id: 1, t: { u: 2 } });
    await docs.updateOne({ _id: 1 }, [{ $replaceRoot: { newRoot: '$t' } }, { $addFields: { foo: 1 } }]);
    expect(await docs.findOne({ _id: 1 })).toEqual({ _id: 1, u: 2, foo: 1 });
    await docs.updateOne({ _id: 1 }, [{ $project: { _id: 0, foo: 1 } }]);
    expect(await docs.findOne({ _id: 1 })).toEqual({ _id: 1, foo: 1 });
  });

  it('a pipeline that changes _id is refused (ImmutableField)', async () => {
    const docs = await single({ _id: 1, a: 1 });
    const error = await docs.updateOne({ _id: 1 }, [{ $set: { _id: 2 } }]).catch((e) => e);
    expect(error).toBeInstanceOf(MongoServerError);
    expect(error.code).toBe(66);
  });

  it('a stage an update pipeline cannot hold is refused as MongoDB refuses it', async () => {
    const docs = await single({ _id: 1, a: 1 });
    const error = await docs.updateOne({ _id: 1 }, [{ $match: { a: 1 } }]).catch((e) => e);
    expect(error).toBeInstanceOf(MongoServerError);
    expect(error.code).toBe(72);
    expect(error.message).toContain('$match is not allowed to be used within an update');
  });

  it('item 4: an upsert whose filter has _id: null stores _id: null (updateOne, updateMany, replaceOne)', async () => {
    for (const upsert of [
      (docs: Collection<AnyId>) => docs.updateOne({ _id: null }, { $unset: { a: '' } }, { upsert: true }),
      (docs: Collection<AnyId>) => docs.updateMany({ _id: null }, { $set: { a: 1 } }, { upsert: true }),
      (docs: Collection<AnyId>) => docs.replaceOne({ _id: null }, { a: 1 }, { upsert: true }),
    ]) {
      const docs = collection('nullid');
      const result = await upsert(docs);
      expect(result).toMatchObject({ upsertedCount: 1, upsertedId: null });
      const stored = await docs.find({}).toArray();
      expect(stored).toHaveLength(1);
      expect(stored[0]!._id).toBeNull();
    }
  });

  it('item 4: findOneAndUpdate and bulkWrite upserts keep a null _id too', async () => {
    const docs = collection('nullid');
    const created = await docs.findOneAndUpdate(
      { _id: null },
      { $set: { n: 1 } },
      { upsert: true, returnDocument: 'after' },
    );
    expect(created).toEqual({ _id: null, n: 1 });
    const other = collection('nullid');
    const result = await other.bulkWrite([
      { updateOne: { filter: { _id: null }, update: { $set: { n: 2 } }, upsert: true } },
    ]);
    expect(result.upsertedCount).toBe(1);
    expect(await other.find({}).toArray()).toEqual([{ _id: null, n: 2 }]);
  });

  it('an insert with a null _id gets an ObjectId (the driver assigns it before sending)', async () => {
    const docs = collection('insertnull');
    const { insertedId } = await docs.insertOne({ _id: null, a: 1 } as never);
    expect(insertedId).not.toBeNull();
    expect(await docs.countDocuments({ _id: null } as never)).toBe(0);
  });

  it('item 6: a $-prefixed field inside _id is refused, however deep', async () => {
    const docs = collection('dollarid');
    for (const _id of [{ $a: 1 }, { a: { $b: 1 } }]) {
      const error = await docs.insertOne({ _id } as never).catch((e) => e);
      expect(error).toBeInstanceOf(MongoServerError);
      expect(error.code).toBe(52);
      expect(error.message).toContain("_id fields may not contain '$'-prefixed fields");
    }
    const bulk = (await docs
      .insertMany([{ _id: 1 }, { _id: { $x: 1 } }] as never[])
      .catch((e) => e)) as MongoBulkWriteError;
    expect(bulk).toBeInstanceOf(MongoBulkWriteError);
    expect(bulk.code).toBe(52);
    expect(await docs.countDocuments()).toBe(1);
    await expect(docs.insertOne({ _id: { a: 1, b: { c: 'd$' } } } as never)).resolves.toBeDefined();
  });
});
