import type { Collection } from '../../../src/datasources/store';
import { storeEngines, uniqueName, useStore } from './engines';

/** Documents whose `_id` is whatever the test gives it. */
type AnyDoc = { _id?: any; [field: string]: any };

/** Reads planned before an index is created or dropped, repeated after: the same answers. */
describe.each(storeEngines)('store contract: reads across index changes (%s)', (_name, engine) => {
  const ctx = useStore(engine);

  async function seeded(prefix: string): Promise<Collection<AnyDoc>> {
    const docs = ctx.db.collection<AnyDoc>(uniqueName(prefix));
    await docs.insertMany([
      { _id: 1, s: 'a', n: 1 },
      { _id: 2, s: 'b', n: 2 },
      { _id: 3, s: 'a', n: 3 },
    ] as AnyDoc[]);
    return docs;
  }

  async function answers(docs: Collection<AnyDoc>) {
    return {
      found: (await docs.find({ s: 'a' }).sort({ _id: 1 }).toArray()).map((doc) => doc._id),
      counted: await docs.countDocuments({ s: 'a' }),
      updated: (await docs.updateOne({ s: 'b' }, { $inc: { n: 0 } })).matchedCount,
    };
  }

  const expected = { found: [1, 3], counted: 2, updated: 1 };

  it('after dropIndex', async () => {
    const docs = await seeded('drop');
    await docs.createIndex({ s: 1 });
    expect(await answers(docs)).toEqual(expected);
    await docs.dropIndex('s_1');
    expect(await answers(docs)).toEqual(expected);
    await docs.createIndex({ s: 1, n: 1 });
    expect(await answers(docs)).toEqual(expected);
    await docs.dropIndex('s_1_n_1');
    expect(await answers(docs)).toEqual(expected);
  });

  it('after createIndex', async () => {
    const docs = await seeded('create');
    expect(await answers(docs)).toEqual(expected);
    await docs.createIndex({ s: 1 }, { unique: false });
    expect(await answers(docs)).toEqual(expected);
  });

  it('an $in naming a key twice returns its document once, by _id and by a unique index', async () => {
    const docs = await seeded('dupin');
    await docs.createIndex({ n: 1 }, { unique: true });
    const ids = async (filter: AnyDoc) => (await docs.find(filter).toArray()).map((doc) => doc._id).sort();
    expect(await ids({ _id: { $in: [1, 1, 3, 1.0] } })).toEqual([1, 3]);
    expect(await ids({ n: { $in: [2, 2, 3] } })).toEqual([2, 3]);
    expect(await docs.countDocuments({ _id: { $in: [1, 1, 3] } })).toBe(2);
    expect(await docs.updateMany({ n: { $in: [2, 2] } }, { $inc: { hits: 1 } })).toMatchObject({ matchedCount: 1 });
    expect(await docs.findOne({ _id: 2 })).toEqual({ _id: 2, s: 'b', n: 2, hits: 1 });
  });
});
