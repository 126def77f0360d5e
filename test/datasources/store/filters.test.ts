import { ObjectId, type Document } from '../../../src/datasources/store';
import { storeEngines, uniqueName, useStore } from './engines';

/** Documents of these tests: any _id type, any fields. */
type Row = { _id: number | string; [field: string]: unknown };

/**
 * Filter semantics of the simple shapes the embedded engine tests without mingo (equality,
 * $ne, ranges, $in/$nin, $exists on top-level fields) and of the index ranges it answers
 * without testing documents: array elements, nested arrays, null and missing fields, type
 * bracketing, UTF-8 string order. Each filter runs on a collection without indexes and on one
 * indexed on every field, with the same expected documents (those MongoDB returns).
 */

const first = new ObjectId('64b000000000000000000001');
const second = new ObjectId('64b000000000000000000002');

const documents: Document[] = [
  { _id: 1, a: 5, s: 'abc', d: new Date('2020-01-01T00:00:00Z'), o: first, f: true, r: 'x' },
  { _id: 2, a: [1, 5, 9], s: ['abc', 'zzz'], o: [second, first] },
  { _id: 3, a: null, s: null, f: false },
  { _id: 4 },
  { _id: 5, a: '5', s: 5 },
  { _id: 6, a: [[5]], s: { x: 1 } },
  { _id: 7, a: 7.5, s: '\uff5e' },
  { _id: 8, s: '\u{1f600}' },
];

const cases: Array<[filter: Document, ids: number[]]> = [
  [{ a: 5 }, [1, 2]],
  [{ a: { $eq: 5 } }, [1, 2]],
  [{ a: { $ne: 5 } }, [3, 4, 5, 6, 7, 8]],
  [{ a: { $gt: 5 } }, [2, 7]],
  [{ a: { $gte: 5, $lt: 8 } }, [1, 2, 7]],
  // Each bound may be met by a different element of an array.
  [{ a: { $gt: 6, $lt: 4 } }, [2]],
  [{ a: { $lt: 3 } }, [2]],
  [{ a: { $in: [9, '5'] } }, [2, 5]],
  [{ a: { $nin: [5, null] } }, [5, 6, 7]],
  [{ a: null }, [3, 4, 8]],
  [{ a: { $exists: false } }, [4, 8]],
  [{ a: { $exists: true } }, [1, 2, 3, 5, 6, 7]],
  [{ s: 5 }, [5]],
  [{ s: { $gt: 4 } }, [5]],
  [{ s: { $gt: 'abc' } }, [2, 7, 8]],
  // UTF-8 order: U+1F600 sorts after U+FF5E (in UTF-16 code units it would sort before).
  [{ s: { $gt: '\uff5e' } }, [8]],
  [{ s: { $lt: '\u{1f600}' } }, [1, 2, 7]],
  [{ d: { $gte: new Date('2019-06-01T00:00:00Z') } }, [1]],
  [{ d: { $lt: new Date('2019-06-01T00:00:00Z') } }, []],
  [{ o: first }, [1, 2]],
  [{ o: { $gt: first } }, [2]],
  [{ o: { $in: [second] } }, [2]],
  [{ o: { $in: [first, 'x', null] } }, [1, 2, 3, 4, 5, 6, 7, 8]],
  [{ o: { $in: [new ObjectId('64b000000000000000000003')] } }, []],
  [{ d: { $in: [new Date('2020-01-01T00:00:00Z'), first] } }, [1]],
  [{ d: { $in: [new Date('2020-01-01T00:00:01Z')] } }, []],
  [{ f: { $gt: false } }, [1]],
  [{ f: { $ne: true } }, [2, 3, 4, 5, 6, 7, 8]],
  [{ _id: { $in: [1, 2, 3] }, a: { $ne: null } }, [1, 2]],
  [{ _id: 2, r: { $exists: false } }, [2]],
  [{ _id: 1, r: { $exists: false } }, []],
  [{ _id: { $gt: 6 }, s: { $gte: 'a' } }, [7, 8]],
  [{ $and: [{ a: { $gt: 1 } }, { a: { $lt: 6 } }] }, [1, 2]],
];

describe.each(storeEngines)(
  'store contract: simple filters on values, arrays, null and missing fields (%s)',
  (_name, engine) => {
    const ctx = useStore(engine);

    it.each([false, true])('returns what MongoDB returns (indexed: %s)', async (indexed) => {
      const things = ctx.db.collection<Row>(uniqueName('things'));
      if (indexed) for (const field of ['a', 's', 'd', 'o', 'f']) await things.createIndex({ [field]: 1 });
      await things.insertMany(documents.map((document) => ({ ...document }) as Row));
      for (const [filter, ids] of cases) {
        const found = await things.find(filter, { sort: { _id: 1 }, projection: { _id: 1 } }).toArray();
        expect([JSON.stringify(filter), found.map((document) => document._id)]).toEqual([JSON.stringify(filter), ids]);
        expect([JSON.stringify(filter), await things.countDocuments(filter)]).toEqual([
          JSON.stringify(filter),
          ids.length,
        ]);
      }
    });

    it('finds and updates by a long $in of ObjectIds (a lookup per listed id, not a search per document)', async () => {
      const rows = ctx.db.collection<{ _id: ObjectId; n: number; done?: boolean }>(uniqueName('rows'));
      const stored = Array.from({ length: 30_000 }, (_, n) => ({ _id: new ObjectId(), n }));
      await rows.insertMany(stored);
      const wanted = stored.filter(({ n }) => n % 2 === 0).map(({ _id }) => _id);
      expect(await rows.countDocuments({ _id: { $in: wanted } })).toBe(15_000);
      const marked = await rows.updateMany({ _id: { $in: wanted }, n: { $lt: 20_000 } }, { $set: { done: true } });
      expect(marked.modifiedCount).toBe(10_000);
      expect(await rows.countDocuments({ done: true, n: { $gte: 20_000 } })).toBe(0);
    });

    it('pages through a partial index by range, seeing rows leave it once processed', async () => {
      const log = ctx.db.collection<Row>(uniqueName('log'));
      await log.createIndex({ bu: 1, pos: 1 }, { partialFilterExpression: { processed: false } });
      await log.insertMany(
        Array.from({ length: 6 }, (_, i) => ({ _id: i, bu: i % 2 ? 'B' : 'A', pos: `p${i}`, processed: i === 4 })),
      );
      const page = (after: string) =>
        log
          .find(
            { bu: 'A', processed: false, pos: { $gt: after } },
            { sort: { pos: 1 }, limit: 2, projection: { pos: 1 } },
          )
          .toArray();
      expect(await page('')).toEqual([
        { _id: 0, pos: 'p0' },
        { _id: 2, pos: 'p2' },
      ]);
      expect(await page('p0')).toEqual([{ _id: 2, pos: 'p2' }]);
      await log.updateOne({ _id: 2 }, { $set: { processed: true } });
      expect(await page('')).toEqual([{ _id: 0, pos: 'p0' }]);
      await log.updateOne({ _id: 4 }, { $set: { processed: false } });
      expect(await page('p0')).toEqual([{ _id: 4, pos: 'p4' }]);
    });

    it('guarded writes by _id and a condition change only the documents that meet it', async () => {
      const messages = ctx.db.collection<Row>(uniqueName('messages'));
      await messages.createIndex({ queue: 1, _id: 1 });
      await messages.insertMany([
        { _id: 'm1', queue: 'q', visibleAt: new Date(1000), receipt: 'r1' },
        { _id: 'm2', queue: 'q', visibleAt: new Date(5000) },
        { _id: 'm3', queue: 'other', visibleAt: new Date(1000) },
      ]);
      expect((await messages.updateOne({ _id: 'm1', receipt: 'r2' }, { $set: { seen: true } })).matchedCount).toBe(0);
      expect((await messages.updateOne({ _id: 'm1', receipt: 'r1' }, { $set: { seen: true } })).modifiedCount).toBe(1);
      const due = { queue: 'q', visibleAt: { $lte: new Date(2000) } };
      const claimed = await messages.updateMany({ _id: { $in: ['m1', 'm2', 'm3'] }, ...due }, {
        $set: { receipt: 'r3' },
        $inc: { receiveCount: 1 },
      } as never);
      expect([claimed.matchedCount, claimed.modifiedCount]).toEqual([1, 1]);
      expect(await messages.find({ _id: { $in: ['m1', 'm2', 'm3'] }, receipt: 'r3' }).toArray()).toEqual([
        { _id: 'm1', queue: 'q', visibleAt: new Date(1000), receipt: 'r3', seen: true, receiveCount: 1 },
      ]);
      expect(
        (await messages.deleteMany({ _id: { $in: ['m1', 'm2'] }, queue: 'q', receipt: { $exists: false } }))
          .deletedCount,
      ).toBe(1);
      expect(await messages.distinct('_id')).toEqual(['m1', 'm3']);
    });
  },
);
