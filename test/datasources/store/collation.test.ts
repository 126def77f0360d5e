import type { CollationOptions } from '../../../src/datasources/store';
import { storeEngines, uniqueName, useStore } from './engines';

/** Issue 23, item 1: every operation that takes a collation matches and sorts by it. */
describe.each(storeEngines)('store contract: collation (%s)', (_name, engine) => {
  const ctx = useStore(engine);
  const caseless: CollationOptions = { locale: 'en_US', strength: 2 };
  const baseLetters: CollationOptions = { locale: 'en', strength: 1 };
  const english: CollationOptions = { locale: 'en' };

  async function words(...values: string[]) {
    const docs = ctx.db.collection<{ _id: number; x: string }>(uniqueName('words'));
    await docs.insertMany(values.map((x, i) => ({ _id: i + 1, x })));
    return docs;
  }

  it('updateOne matches case-insensitively at strength 2 (the issue: 0 matches without it)', async () => {
    const docs = await words('pong', 'ping');
    const result = await docs.updateOne({ x: 'PING' }, { $set: { x: 'pong' } }, { collation: caseless });
    expect(result).toMatchObject({ matchedCount: 1, modifiedCount: 1 });
    expect(await docs.countDocuments({ x: 'pong' })).toBe(2);
  });

  it('find matches by strength: 2 ignores case, 1 accents too; an index on the field changes nothing', async () => {
    const docs = await words('ping', 'PING', 'pīng', 'pong');
    await docs.createIndex({ x: 1 });
    const ids = async (collation: CollationOptions) =>
      (await docs.find({ x: 'Ping' }, { collation, sort: { _id: 1 } }).toArray()).map((d) => d._id);
    expect(await ids(caseless)).toEqual([1, 2]);
    expect(await ids(baseLetters)).toEqual([1, 2, 3]);
    expect(await docs.find({ x: { $in: ['PONG'] } }, { collation: caseless }).toArray()).toEqual([
      { _id: 4, x: 'pong' },
    ]);
    expect(await docs.findOne({ x: 'PONG' }, { collation: caseless })).toEqual({ _id: 4, x: 'pong' });
  });

  it('sorts and compares ranges by the locale (strength 3: lower case before upper case)', async () => {
    const docs = await words('B', 'a', 'c', 'b', 'A');
    const sorted = await docs.find({}, { collation: english, sort: { x: 1 } }).toArray();
    expect(sorted.map((d) => d.x)).toEqual(['a', 'A', 'b', 'B', 'c']);
    const above = await docs.find({ x: { $gt: 'b' } }, { collation: english, sort: { x: 1 } }).toArray();
    expect(above.map((d) => d.x)).toEqual(['B', 'c']);
    const binary = await docs.find({ x: { $gt: 'b' } }, { sort: { x: 1 } }).toArray();
    expect(binary.map((d) => d.x)).toEqual(['c']);
  });

  it('countDocuments and distinct', async () => {
    const docs = await words('a', 'A', 'b');
    expect(await docs.countDocuments({ x: 'a' }, { collation: caseless })).toBe(2);
    const distinct = await docs.distinct('x', {}, { collation: caseless });
    expect(distinct).toHaveLength(2);
    expect(distinct.map((value: string) => value.toLowerCase()).sort()).toEqual(['a', 'b']);
  });

  it('updateMany, replaceOne, deleteOne and deleteMany', async () => {
    const docs = await words('x', 'X', 'y', 'Y', 'z');
    expect(await docs.updateMany({ x: 'X' }, { $set: { seen: true } }, { collation: caseless })).toMatchObject({
      matchedCount: 2,
    });
    expect(await docs.replaceOne({ x: 'Z' }, { x: 'zz' }, { collation: caseless })).toMatchObject({
      matchedCount: 1,
      modifiedCount: 1,
    });
    expect(await docs.deleteOne({ x: 'Y' }, { collation: caseless })).toEqual({ acknowledged: true, deletedCount: 1 });
    expect(await docs.deleteMany({ x: 'X' }, { collation: caseless })).toEqual({ acknowledged: true, deletedCount: 2 });
    expect((await docs.find({}, { sort: { _id: 1 } }).toArray()).map((d) => d.x)).toHaveLength(2);
  });

  it('findOneAndUpdate, findOneAndReplace and findOneAndDelete match and sort by it', async () => {
    const docs = await words('b', 'A', 'a', 'C');
    const updated = await docs.findOneAndUpdate(
      { x: 'c' },
      { $set: { hit: 1 } },
      { collation: caseless, returnDocument: 'after' },
    );
    expect(updated).toEqual({ _id: 4, x: 'C', hit: 1 });
    const replaced = await docs.findOneAndReplace({ x: 'B' }, { x: 'bb' }, { collation: caseless });
    expect(replaced).toEqual({ _id: 1, x: 'b' });
    const first = await docs.findOneAndDelete({}, { collation: english, sort: { x: 1 } });
    expect(first).toEqual({ _id: 3, x: 'a' });
  });

  it('bulkWrite takes a collation per operation', async () => {
    const docs = await words('k', 'l', 'm');
    const result = await docs.bulkWrite([
      { updateOne: { filter: { x: 'K' }, update: { $set: { x: 'kk' } }, collation: caseless } },
      { updateMany: { filter: { x: 'L' }, update: { $set: { x: 'll' } }, collation: caseless } },
      { deleteOne: { filter: { x: 'M' }, collation: caseless } },
      { deleteMany: { filter: { x: 'M' }, collation: caseless } },
      { replaceOne: { filter: { x: 'KK' }, replacement: { x: 'k' }, collation: caseless } },
    ]);
    expect(result).toMatchObject({ matchedCount: 3, modifiedCount: 3, deletedCount: 1 });
    expect((await docs.find({}, { sort: { _id: 1 } }).toArray()).map((d) => d.x)).toEqual(['k', 'll']);
  });

  it('aggregate: $match, $sort and $expr comparisons', async () => {
    const docs = await words('b', 'B', 'a');
    const pipeline = [{ $match: { x: { $in: ['B', 'A'] } } }, { $sort: { x: -1, _id: 1 } }, { $project: { _id: 1 } }];
    expect(await docs.aggregate(pipeline, { collation: caseless }).toArray()).toEqual([
      { _id: 1 },
      { _id: 2 },
      { _id: 3 },
    ]);
    const expr = [{ $match: { $expr: { $eq: ['$x', 'A'] } } }, { $project: { _id: 1 } }];
    expect(await docs.aggregate(expr, { collation: caseless }).toArray()).toEqual([{ _id: 3 }]);
    expect(await docs.aggregate(expr).toArray()).toEqual([]);
  });

  it('without a collation, strings compare in binary order as before', async () => {
    const docs = await words('ping', 'PING');
    expect(await docs.countDocuments({ x: 'PING' })).toBe(1);
    expect((await docs.find({}, { sort: { x: 1 } }).toArray()).map((d) => d.x)).toEqual(['PING', 'ping']);
  });
});
