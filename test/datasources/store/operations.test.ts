import type { AggregationCursor, Collection, Document } from '../../../src/datasources/store';
import { storeEngines, uniqueName, useStore } from './engines';

/** The driver's calls beyond the port, as both engines answer them. */
interface DriverExtras {
  count(filter?: Document, options?: Document): Promise<number>;
}
interface DbExtras {
  aggregate(pipeline: Document[], options?: Document): AggregationCursor<Document>;
}

/** Issue 23, item 8: count() and db.aggregate() answer as MongoDB does. */
describe.each(storeEngines)('store contract: count() and db.aggregate() (%s)', (_name, engine) => {
  const ctx = useStore(engine);

  it('count() counts the matches, with skip, limit and a collation', async () => {
    const docs = ctx.db.collection(uniqueName('count')) as Collection & DriverExtras;
    await docs.insertMany([{ x: 'a' }, { x: 'A' }, { x: 'b' }, { x: 'c' }]);
    expect(await docs.count()).toBe(4);
    expect(await docs.count({ x: { $in: ['a', 'b'] } })).toBe(2);
    expect(await docs.count({}, { skip: 1, limit: 2 })).toBe(2);
    expect(await docs.count({ x: 'a' }, { collation: { locale: 'en', strength: 2 } })).toBe(2);
  });

  it('db.aggregate() runs a pipeline that starts with $documents', async () => {
    const db = ctx.db as typeof ctx.db & DbExtras;
    const pipeline = [
      { $documents: [{ n: 1 }, { n: 2 }, { n: 3 }] },
      { $match: { n: { $gte: 2 } } },
      { $set: { double: { $multiply: ['$n', 2] } } },
    ];
    expect(await db.aggregate(pipeline).toArray()).toEqual([
      { n: 2, double: 4 },
      { n: 3, double: 6 },
    ]);
  });
});
