import { MongoServerError } from 'mongodb';
import type { Collection, Document } from '../../../src/datasources/store';
import { storeEngines, uniqueName, useStore } from './engines';

interface Order {
  _id: number;
  status?: string;
  total: number;
  customer: string;
}

/** Issue 23, item 5: read-only views made with createCollection({ viewOn, pipeline }). */
describe.each(storeEngines)('store contract: views (%s)', (_name, engine) => {
  const ctx = useStore(engine);

  async function ordersAndView(): Promise<{ orders: Collection; view: Collection<Order>; viewName: string }> {
    const ordersName = uniqueName('orders');
    const orders = ctx.db.collection(ordersName);
    await orders.insertMany([
      { _id: 1, status: 'open', total: 10, customer: 'ann' },
      { _id: 2, status: 'open', total: 30, customer: 'bob' },
      { _id: 3, status: 'closed', total: 20, customer: 'ann' },
      { _id: 4, status: 'open', total: 5, customer: 'cid' },
    ] as never[]);
    const viewName = uniqueName('openOrders');
    const view = await ctx.db.createCollection<Order>(viewName, {
      viewOn: ordersName,
      pipeline: [{ $match: { status: 'open' } }, { $project: { status: 0 } }],
    });
    return { orders, view, viewName };
  }

  it('find runs the view’s pipeline, then the filter, sort, skip, limit and projection', async () => {
    const { view } = await ordersAndView();
    expect(await view.find({}, { sort: { _id: 1 } }).toArray()).toEqual([
      { _id: 1, total: 10, customer: 'ann' },
      { _id: 2, total: 30, customer: 'bob' },
      { _id: 4, total: 5, customer: 'cid' },
    ]);
    const page = await view
      .find({ total: { $gte: 10 } }, { sort: { total: -1 }, skip: 1, limit: 1, projection: { _id: 0, customer: 1 } })
      .toArray();
    expect(page).toEqual([{ customer: 'ann' }]);
    expect(await view.findOne({ customer: 'cid' })).toEqual({ _id: 4, total: 5, customer: 'cid' });
  });

  it('countDocuments, distinct and aggregate read through the view', async () => {
    const { view } = await ordersAndView();
    expect(await view.countDocuments()).toBe(3);
    expect(await view.countDocuments({ total: { $lt: 20 } })).toBe(2);
    expect((await view.distinct('customer')).sort()).toEqual(['ann', 'bob', 'cid']);
    const totals = await view.aggregate([{ $group: { _id: null, sum: { $sum: '$total' } } }]).toArray();
    expect(totals).toEqual([{ _id: null, sum: 45 }]);
  });

  it('sees the source’s later writes, and a view may read another view', async () => {
    const { orders, viewName } = await ordersAndView();
    const bigName = uniqueName('bigOpen');
    const big = await ctx.db.createCollection(bigName, {
      viewOn: viewName,
      pipeline: [{ $match: { total: { $gte: 10 } } }],
    });
    await orders.insertOne({ _id: 5, status: 'open', total: 50, customer: 'dee' } as never);
    expect((await big.find({}, { sort: { _id: 1 } }).toArray()).map((d: Document) => d._id)).toEqual([1, 2, 5]);
  });

  it('refuses writes and index commands as MongoDB refuses them on a view', async () => {
    const { view } = await ordersAndView();
    const refusals = await Promise.all([
      view.insertOne({ _id: 9, total: 1, customer: 'x' }).catch((e) => e),
      view.insertMany([{ _id: 9, total: 1, customer: 'x' }]).catch((e) => e),
      view.updateOne({ _id: 1 }, { $set: { total: 0 } }).catch((e) => e),
      view.updateMany({}, { $set: { total: 0 } }).catch((e) => e),
      view.replaceOne({ _id: 1 }, { total: 0, customer: 'x' }).catch((e) => e),
      view.deleteOne({ _id: 1 }).catch((e) => e),
      view.deleteMany({}).catch((e) => e),
      view.findOneAndUpdate({ _id: 1 }, { $set: { total: 0 } }).catch((e) => e),
      view.findOneAndDelete({ _id: 1 }).catch((e) => e),
      view.createIndex({ total: 1 }).catch((e) => e),
    ]);
    for (const error of refusals) {
      expect(error).toBeInstanceOf(Error);
      expect((error as MongoServerError).code).toBe(166);
    }
    expect(await view.countDocuments()).toBe(3);
  });

  it('drop removes the view and leaves its source alone', async () => {
    const { orders, view } = await ordersAndView();
    expect(await view.drop()).toBe(true);
    expect(await view.find({}).toArray()).toEqual([]);
    expect(await orders.countDocuments()).toBe(4);
  });
});
