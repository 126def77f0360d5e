import { Decimal128, Int32, Long, ObjectId } from 'bson';
import type { Collection, CollationOptions, Document } from '../../../src/datasources/store';
import { storeEngines, uniqueName, useStore } from './engines';

/**
 * countDocuments answered by counting index keys when an index answers the whole filter. Each
 * count is checked against the same filter wrapped in a one-clause `$or`, which no index
 * serves (every document is read and tested), and against the number of documents find returns.
 */

/** Documents whose `_id` is whatever the test gives it. */
type AnyDoc = { _id?: any; [field: string]: any };

const at = (day: number) => new Date(Date.UTC(2025, 0, day));
const objectId = new ObjectId();
const longValue = (tail: string) => `${'m'.repeat(2500)}${tail}`;

function entries(): AnyDoc[] {
  const docs: AnyDoc[] = [
    { _id: 'e1', campaignId: 'c1', market: 'm1', score: 10, at: at(1), status: 'A', flag: true },
    { _id: 'e2', campaignId: 'c1', market: 'm1', score: 20, at: at(2), status: 'A', flag: false },
    { _id: 'e3', campaignId: 'c1', market: null, score: 5, at: at(3), status: 'B' },
    { _id: 'e4', campaignId: 'c1', score: -1, at: at(4), status: 'A' },
    { _id: 'e5', campaignId: 'c1', market: { city: 'x' }, score: 'high', status: 'A' },
    { _id: 'e6', campaignId: 'c1', market: 'M1', score: 15.5, at: at(6), status: 'B', flag: 'true' },
    { _id: 'e7', campaignId: 'c2', market: 'm1', score: new Int32(10), at: at(7), status: 'A', flag: 1 },
    { _id: 'e8', campaignId: 'c2', market: 'm2', score: Long.fromNumber(20), status: 'A' },
    { _id: 'e9', campaignId: 'c2', market: 'm2', score: Decimal128.fromString('5'), status: 'B' },
    { _id: 'e10', campaignId: 'c2', market: longValue('a'), score: NaN, status: 'A', owner: objectId },
    { _id: 'e11', campaignId: 'c2', market: longValue('b'), score: 0, status: 'A', owner: new ObjectId() },
    { _id: 'e12', market: 'm1', score: 30, status: 'A' },
    { _id: 'e13', campaignId: null, market: 'm1\u0000x', score: 1, status: 'A' },
  ];
  for (let i = 0; i < 30; i++)
    docs.push({ _id: `f${i}`, campaignId: 'c3', market: `m${i % 3}`, score: i, status: 'A' });
  return docs;
}

function tagged(): AnyDoc[] {
  return [
    { _id: 1, tags: ['a', 'b'], n: 1 },
    { _id: 2, tags: ['b'], n: 2 },
    { _id: 3, tags: [], n: 3 },
    { _id: 4, n: 4 },
    { _id: 5, tags: null, n: 5 },
    { _id: 6, tags: [null, 'c'], n: 6 },
    { _id: 7, tags: 'a', n: 7 },
    { _id: 8, tags: [['a']], n: 8 },
  ];
}

const caseless: CollationOptions = { locale: 'en', strength: 2 };

const entryFilters: Document[] = [
  { campaignId: 'c1' },
  { campaignId: 'c3' },
  { campaignId: null },
  { campaignId: { $in: ['c1', 'c2', 'c1'] } },
  { campaignId: { $in: [null, 'c2'] } },
  { campaignId: 'c1', market: 'm1' },
  { campaignId: 'c1', market: null },
  { campaignId: 'c1', market: { $eq: null } },
  { campaignId: 'c1', market: { $in: [null, 'M1'] } },
  { campaignId: 'c1', market: null, score: { $gte: 0 } },
  { campaignId: 'c3', market: { $in: ['m0', 'm2'] }, score: { $gte: 5, $lt: 20 } },
  { campaignId: 'c1', market: 'm1', score: { $gt: 10 } },
  { campaignId: 'c2', market: 'm1', score: 10 },
  { campaignId: 'c2', market: longValue('a') },
  { campaignId: 'c2', market: { $gt: 'm' } },
  { campaignId: 'c1', at: { $gte: at(2), $lt: at(4) } },
  { campaignId: 'c1', at: { $gte: at(2) } },
  { campaignId: 'c1', at: null },
  { campaignId: 'c1', flag: true },
  { campaignId: 'c1', status: 'A', market: 'm1' },
  { status: 'A', market: 'm1' },
  { status: 'B', market: { $gte: 'm' } },
  { market: 'm1\u0000x' },
  { owner: objectId },
  { _id: { $gte: 'e2', $lt: 'e9' } },
  { _id: 'e3' },
  { _id: { $in: ['e3', 'e4', 'e3', 'zz'] } },
  { campaignId: 'c1', market: 'm1', unindexed: { $exists: false } },
];

/**
 * Filters on numbers stored as doubles, Int32, Long and Decimal128, with MongoDB's counts (which
 * compare them by value): mingo, which tests the `$or` form, does not always.
 */
const numericFilters: Array<[Document, number]> = [
  [{ campaignId: 'c2', market: 'm2', score: { $gte: 5 } }, 2],
  [{ score: { $gt: 0 } }, 38],
  [{ score: 10 }, 3],
  [{ score: { $in: [10, 20, 10.0] } }, 6],
  [{ score: { $gte: 5, $lte: 20 } }, 23],
];

const taggedFilters: Document[] = [
  { tags: 'a' },
  { tags: 'b' },
  { tags: { $in: ['a', 'b'] } },
  { tags: { $gte: 'a' } },
  { tags: { $gt: 'a', $lt: 'c' } },
  { tags: null },
  { tags: { $in: [null, 'b'] } },
  { tags: ['a'] },
];

describe.each(storeEngines)('store contract: counts an index answers (%s)', (_name, engine) => {
  const ctx = useStore(engine);

  async function collection(prefix: string, docs: AnyDoc[], indexes: Array<[Document, Document?]>) {
    const made: Collection<AnyDoc> = ctx.db.collection<AnyDoc>(uniqueName(prefix));
    for (const [key, options] of indexes) await made.createIndex(key, options ?? {});
    await made.insertMany(docs);
    return made;
  }

  async function expectSameCounts(docs: Collection<AnyDoc>, filter: Document, options: Document = {}) {
    const counted = await docs.countDocuments(filter, options);
    const read = await docs.countDocuments({ $or: [filter] }, options);
    const found = (await docs.find(filter, options).toArray()).length;
    expect({ filter, counted }).toEqual({ filter, counted: read });
    expect(counted).toBe(found);
    return counted;
  }

  describe('on compound, partial and sparse indexes', () => {
    let docs: Collection<AnyDoc>;
    beforeAll(async () => {
      docs = await collection('counts', entries(), [
        [{ campaignId: 1, market: 1, score: -1 }],
        [{ campaignId: 1, at: 1 }],
        [{ campaignId: 1, flag: 1 }],
        [{ market: 1 }, { partialFilterExpression: { status: 'A' } }],
        [{ owner: 1 }, { sparse: true }],
        [{ score: 1 }],
      ]);
    });

    it.each(entryFilters)('%j', async (filter) => {
      await expectSameCounts(docs, filter);
    });

    it.each(numericFilters)('%j counts %d', async (filter, expected) => {
      expect(await docs.countDocuments(filter)).toBe(expected);
      expect(await docs.find(filter).toArray()).toHaveLength(expected);
    });

    it('whole collections, with skip and limit', async () => {
      const total = entries().length;
      expect(await docs.countDocuments({})).toBe(total);
      expect(await docs.countDocuments({}, { skip: 40 })).toBe(total - 40);
      expect(await docs.countDocuments({}, { skip: 40, limit: 1 })).toBe(1);
      expect(await docs.countDocuments({}, { skip: 100 })).toBe(0);
      expect(await docs.estimatedDocumentCount()).toBe(total);
    });

    it('skip and limit on an index count', async () => {
      const filter = { campaignId: 'c3' };
      expect(await docs.countDocuments(filter, { skip: 25 })).toBe(5);
      expect(await docs.countDocuments(filter, { limit: 7 })).toBe(7);
      expect(await docs.countDocuments(filter, { skip: 28, limit: 7 })).toBe(2);
      expect(await docs.countDocuments(filter, { skip: 31 })).toBe(0);
    });

    it('counts that need a collation read the documents', async () => {
      expect(await docs.countDocuments({ campaignId: 'c1', market: 'm1' }, { collation: caseless })).toBe(3);
      expect(await docs.countDocuments({ campaignId: 'c1', market: null }, { collation: caseless })).toBe(2);
      expect(await docs.countDocuments({ campaignId: 'C3' }, { collation: caseless })).toBe(30);
      expect(await docs.countDocuments({}, { collation: caseless, skip: 3 })).toBe(entries().length - 3);
    });

    it('counts follow writes: null-equality counts stop using the index once it holds an array', async () => {
      const more = await collection('nulls', entries(), [[{ campaignId: 1, market: 1, score: -1 }]]);
      const filter = { campaignId: 'c1', market: null };
      expect(await expectSameCounts(more, filter)).toBe(2);
      const arrays: AnyDoc[] = [
        { _id: 'arr1', campaignId: 'c1', market: [] },
        { _id: 'arr2', campaignId: 'c1', market: [null, 'm9'] },
      ];
      await more.insertMany(arrays);
      expect(await expectSameCounts(more, filter)).toBe(3);
      await more.deleteMany({ _id: { $in: ['arr1', 'arr2'] } });
      expect(await expectSameCounts(more, filter)).toBe(2);
      await more.updateOne({ _id: 'e1' }, { $unset: { market: 1 } });
      expect(await expectSameCounts(more, filter)).toBe(3);
    });
  });

  describe('on a multikey index', () => {
    let docs: Collection<AnyDoc>;
    beforeAll(async () => {
      docs = await collection('tags', tagged(), [[{ tags: 1 }]]);
    });

    it.each(taggedFilters)('%j', async (filter) => {
      await expectSameCounts(docs, filter);
    });

    it('counts each document once however many of its elements are in range', async () => {
      expect(await docs.countDocuments({ tags: { $in: ['a', 'b'] } })).toBe(3);
      expect(await docs.countDocuments({ tags: { $gte: 'a' } })).toBe(4);
    });
  });

  describe('on a sparse and a unique index', () => {
    it('null equalities on a sparse index count the documents missing the field', async () => {
      const docs = await collection('sparse', tagged(), [[{ tags: 1 }, { sparse: true }]]);
      expect(await expectSameCounts(docs, { tags: null })).toBe(
        (await docs.find({ $or: [{ tags: null }] }).toArray()).length,
      );
    });

    it('a unique index key counts one document or none', async () => {
      const docs = await collection('unique', entries(), [
        [
          { campaignId: 1, score: 1 },
          { unique: true, sparse: true },
        ],
      ]);
      await expectSameCounts(docs, { campaignId: 'c3', score: 4 });
      await expectSameCounts(docs, { campaignId: 'c3', score: 400 });
      await expectSameCounts(docs, { campaignId: 'c3', score: { $in: [1, 2, 2, 500] } });
    });
  });
});
