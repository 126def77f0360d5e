import { MongoBulkWriteError, MongoServerError } from 'mongodb';
import { ObjectId } from '../../../src/datasources/store';
import { storeEngines, uniqueName, useStore } from './engines';

describe.each(storeEngines)('store contract: inserts, finds, counts, deletes (%s)', (_name, engine) => {
  const ctx = useStore(engine);

  it('insertOne assigns an ObjectId _id on the caller document and returns it', async () => {
    const people = ctx.db.collection(uniqueName('people'));
    const person: { name: string; _id?: ObjectId } = { name: 'Ada' };
    const result = await people.insertOne(person);
    expect(result.acknowledged).toBe(true);
    expect(result.insertedId).toBeInstanceOf(ObjectId);
    expect(person._id).toEqual(result.insertedId);
    const stored = await people.findOne({ _id: result.insertedId });
    expect(Object.keys(stored!)).toEqual(['_id', 'name']);
    // Inserting the same object again reuses its _id, which now exists.
    expect((await people.insertOne(person).catch((e) => e)).code).toBe(11000);
  });

  it('insertMany ordered stops at the first duplicate; unordered goes on', async () => {
    const items = ctx.db.collection(uniqueName('items'));
    const ordered = items.insertMany([{ _id: 1 }, { _id: 1 }, { _id: 2 }] as never[]);
    await expect(ordered).rejects.toBeInstanceOf(MongoBulkWriteError);
    const error = (await ordered.catch((e) => e)) as MongoBulkWriteError;
    expect(error.code).toBe(11000);
    expect(error.insertedCount).toBe(1);
    expect(await items.countDocuments()).toBe(1);

    const unordered = (await items
      .insertMany([{ _id: 3 }, { _id: 1 }, { _id: 4 }] as never[], { ordered: false })
      .catch((e) => e)) as MongoBulkWriteError;
    expect(unordered.insertedCount).toBe(2);
    const writeErrors = Array.isArray(unordered.writeErrors) ? unordered.writeErrors : [unordered.writeErrors];
    expect(writeErrors.map((e) => [e.index, e.code])).toEqual([[1, 11000]]);
    expect(await items.distinct('_id')).toEqual([1, 3, 4]);
  });

  it('find applies filter, sort, skip, limit and projection, as chained calls or options', async () => {
    const scores = ctx.db.collection(uniqueName('scores'));
    await scores.insertMany(
      Array.from({ length: 10 }, (_, i) => ({
        _id: i,
        n: i % 4,
        team: i % 2 ? 'odd' : 'even',
        tags: ['t', `x${i}`],
      })) as never[],
    );
    const chained = await scores
      .find({ team: 'odd' })
      .sort({ n: -1, _id: 1 })
      .skip(1)
      .limit(2)
      .project({ n: 1 })
      .toArray();
    expect(chained).toEqual([
      { _id: 7, n: 3 },
      { _id: 1, n: 1 },
    ]);
    const viaOptions = await scores
      .find({ n: { $gte: 2 } }, { sort: { _id: -1 }, limit: 3, projection: { _id: 0, team: 1 } })
      .toArray();
    expect(viaOptions).toEqual([{ team: 'odd' }, { team: 'even' }, { team: 'odd' }]);
    const sliced = await scores.findOne({ _id: 2 } as never, { projection: { tags: { $slice: 1 } } });
    // MongoDB treats a $slice-only projection as an exclusion: the other fields stay (mingo would drop them).
    expect(sliced).toEqual({ _id: 2, n: 2, team: 'even', tags: ['t'] });
  });

  it('find cursors iterate asynchronously and map', async () => {
    const numbers = ctx.db.collection(uniqueName('numbers'));
    await numbers.insertMany(Array.from({ length: 25 }, (_, i) => ({ _id: i })) as never[]);
    const seen: number[] = [];
    for await (const doc of numbers.find({ _id: { $lt: 5 } } as never).sort({ _id: 1 }))
      seen.push(doc._id as unknown as number);
    expect(seen).toEqual([0, 1, 2, 3, 4]);
    const cursor = numbers.find({}, { sort: { _id: -1 } }).map((doc) => (doc._id as unknown as number) * 10);
    expect(await cursor.next()).toBe(240);
    expect(await cursor.hasNext()).toBe(true);
    expect((await cursor.toArray()).length).toBe(24);
  });

  it('counts, estimates and lists distinct values (array elements one by one)', async () => {
    const orders = ctx.db.collection(uniqueName('orders'));
    await orders.insertMany([{ sku: ['a', 'b'], qty: 1 }, { sku: 'b', qty: 5 }, { sku: 'c', qty: 5 }, { qty: 2 }]);
    expect(await orders.countDocuments({ qty: 5 })).toBe(2);
    expect(await orders.countDocuments({}, { skip: 1, limit: 2 })).toBe(2);
    expect(await orders.estimatedDocumentCount()).toBe(4);
    expect(await orders.distinct('sku')).toEqual(['a', 'b', 'c']);
    expect(await orders.distinct('qty', { sku: 'b' })).toEqual([1, 5]);
  });

  it('deleteOne removes the first match, deleteMany every match', async () => {
    const logs = ctx.db.collection(uniqueName('logs'));
    await logs.insertMany([{ level: 'info' }, { level: 'info' }, { level: 'warn' }]);
    expect(await logs.deleteOne({ level: 'info' })).toEqual({ acknowledged: true, deletedCount: 1 });
    expect(await logs.deleteMany({ level: { $in: ['info', 'warn'] } })).toEqual({
      acknowledged: true,
      deletedCount: 2,
    });
    expect(await logs.deleteMany({})).toEqual({ acknowledged: true, deletedCount: 0 });
  });

  it('rejects unknown query operators with the server error, not an empty result', async () => {
    const things = ctx.db.collection(uniqueName('things'));
    await things.insertOne({ a: 1 });
    const error = await things
      .find({ a: { $bogus: 1 } })
      .toArray()
      .catch((e) => e);
    expect(error).toBeInstanceOf(MongoServerError);
    expect(error.code).toBe(2);
    expect(String(error.message)).toContain('$bogus');
  });

  it('reads an empty result from a collection that was never written', async () => {
    const ghost = ctx.db.collection(uniqueName('ghost'));
    expect(await ghost.find({}).toArray()).toEqual([]);
    expect(await ghost.findOne({})).toBeNull();
    expect(await ghost.countDocuments()).toBe(0);
    expect(await ghost.estimatedDocumentCount()).toBe(0);
  });

  it('drops a collection with its documents and indexes', async () => {
    const name = uniqueName('dropme');
    const temp = ctx.db.collection(name);
    await temp.createIndex({ a: 1 }, { unique: true });
    await temp.insertOne({ a: 1 });
    await temp.drop();
    expect(await temp.countDocuments()).toBe(0);
    await temp.insertOne({ a: 1 });
    await expect(temp.insertOne({ a: 1 })).resolves.toBeDefined();
  });
});
