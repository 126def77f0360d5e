import { MongoServerError } from 'mongodb';
import { storeEngines, uniqueName, useStore } from './engines';

describe.each(storeEngines)('store contract: aggregate (%s)', (_name, engine) => {
  const ctx = useStore(engine);
  let sales: string;
  let regions: string;

  beforeAll(async () => {
    sales = uniqueName('sales');
    regions = uniqueName('regions');
    await ctx.db.collection(sales).insertMany([
      { _id: 1, region: 'n', item: 'pen', qty: 5, price: 2, tags: ['a', 'b'] },
      { _id: 2, region: 'n', item: 'ink', qty: 1, price: 10, tags: ['b'] },
      { _id: 3, region: 's', item: 'pen', qty: 3, price: 2, tags: [] },
      { _id: 4, region: 'e', item: 'pad', qty: 8, price: 4, tags: ['a'] },
    ] as never[]);
    await ctx.db.collection(regions).insertMany([
      { _id: 'n', name: 'North' },
      { _id: 's', name: 'South' },
    ] as never[]);
  });

  it('$match, $group with accumulators, $sort, $project', async () => {
    const result = await ctx.db
      .collection(sales)
      .aggregate([
        { $match: { qty: { $gte: 1 } } },
        {
          $group: {
            _id: '$region',
            total: { $sum: { $multiply: ['$qty', '$price'] } },
            n: { $sum: 1 },
            items: { $addToSet: '$item' },
            maxQty: { $max: '$qty' },
            avgQty: { $avg: '$qty' },
          },
        },
        { $sort: { total: -1 } },
        { $project: { _id: 0, region: '$_id', total: 1, n: 1, maxQty: 1, avgQty: 1 } },
      ])
      .toArray();
    expect(result).toEqual([
      { total: 32, n: 1, maxQty: 8, avgQty: 8, region: 'e' },
      { total: 20, n: 2, maxQty: 5, avgQty: 3, region: 'n' },
      { total: 6, n: 1, maxQty: 3, avgQty: 3, region: 's' },
    ]);
  });

  it('$group by a field with $sum and $count: null and missing keys together, equal dates together, non-numbers not summed', async () => {
    const readings = ctx.db.collection(uniqueName('readings'));
    await readings.insertMany([
      { k: 'a', v: 1 },
      { k: 'a', v: 'x' },
      { k: null, v: 2 },
      { v: 3 },
      { k: new Date(1_700_000_000_000), v: 4 },
      { k: new Date(1_700_000_000_000), v: 5 },
      { k: 'b', v: 7 },
    ]);
    const result = await readings
      .aggregate([
        { $group: { _id: '$k', total: { $sum: '$v' }, n: { $sum: 1 }, c: { $count: {} } } },
        { $sort: { total: 1 } },
      ])
      .toArray();
    expect(result).toEqual([
      { _id: 'a', total: 1, n: 2, c: 2 },
      { _id: null, total: 5, n: 2, c: 2 },
      { _id: 'b', total: 7, n: 1, c: 1 },
      { _id: new Date(1_700_000_000_000), total: 9, n: 2, c: 2 },
    ]);
  });

  it('$addFields, $unwind, $limit, $skip and $count', async () => {
    const collection = ctx.db.collection(sales);
    const unwound = await collection
      .aggregate([
        { $unwind: '$tags' },
        { $addFields: { label: { $concat: ['$item', '-', '$tags'] } } },
        { $sort: { _id: 1, tags: 1 } },
        { $skip: 1 },
        { $limit: 2 },
        { $project: { _id: 0, label: 1 } },
      ])
      .toArray();
    expect(unwound).toEqual([{ label: 'pen-b' }, { label: 'ink-b' }]);
    expect(await collection.aggregate([{ $match: { item: 'pen' } }, { $count: 'pens' }]).toArray()).toEqual([
      { pens: 2 },
    ]);
  });

  it('$lookup joins another collection', async () => {
    const joined = await ctx.db
      .collection(sales)
      .aggregate([
        { $match: { _id: { $in: [1, 3] } } },
        { $sort: { _id: 1 } },
        { $lookup: { from: regions, localField: 'region', foreignField: '_id', as: 'regionDoc' } },
        { $project: { _id: 1, name: { $first: '$regionDoc.name' } } },
      ])
      .toArray();
    expect(joined).toEqual([
      { _id: 1, name: 'North' },
      { _id: 3, name: 'South' },
    ]);
  });

  it('$facet and $bucket', async () => {
    const [facets] = await ctx.db
      .collection(sales)
      .aggregate([
        {
          $facet: {
            byQty: [
              {
                $bucket: { groupBy: '$qty', boundaries: [0, 4, 10], default: 'other', output: { count: { $sum: 1 } } },
              },
            ],
            items: [
              { $group: { _id: null, items: { $addToSet: '$item' } } },
              { $project: { _id: 0, n: { $size: '$items' } } },
            ],
          },
        },
      ])
      .toArray();
    expect(facets).toEqual({
      byQty: [
        { _id: 0, count: 2 },
        { _id: 4, count: 2 },
      ],
      items: [{ n: 3 }],
    });
  });

  it('streams results through async iteration', async () => {
    const seen: unknown[] = [];
    for await (const doc of ctx.db.collection(sales).aggregate([{ $sort: { _id: -1 } }, { $project: { _id: 1 } }]))
      seen.push(doc._id);
    expect(seen).toEqual([4, 3, 2, 1]);
  });

  it('refuses an unknown stage with a clear error', async () => {
    const error = await ctx.db
      .collection(sales)
      .aggregate([{ $teleport: {} }])
      .toArray()
      .catch((e) => e);
    expect(error).toBeInstanceOf(MongoServerError);
    expect(error.code).toBe(40324);
    expect(String(error.message)).toContain('$teleport');
  });
});
