import { storeEngines, uniqueName, useStore } from './engines';

/** Documents keyed by plain strings and numbers, with any fields. */
interface Loose {
  _id: string | number;
  [field: string]: any;
}

describe.each(storeEngines)('store contract: $set and $inc of dotted paths (%s)', (_name, engine) => {
  const ctx = useStore(engine);

  it('increments and sets fields of sub-documents, creating the missing ones in order', async () => {
    const sends = ctx.db.collection<Loose>(uniqueName('sends'));
    await sends.insertOne({ _id: 's1', clicks: 1, urls: { u1: { clicks: 1, clickers: 1 } } });
    await sends.updateOne(
      { _id: 's1' },
      {
        $inc: { clicks: 2, 'urls.u1.clicks': 2, 'urls.u2.clicks': 1, 'urls.u2.clickers': 1 },
        $set: { 'meta.by': 'x' },
      },
    );
    const stored = await sends.findOne({ _id: 's1' });
    expect(stored).toEqual({
      _id: 's1',
      clicks: 3,
      urls: { u1: { clicks: 3, clickers: 1 }, u2: { clicks: 1, clickers: 1 } },
      meta: { by: 'x' },
    });
    expect(Object.keys(stored!.urls as object)).toEqual(['u1', 'u2']);
    expect(Object.keys(stored!)).toEqual(['_id', 'clicks', 'urls', 'meta']);
  });

  it('upserts with dotted increments and leaves other documents untouched', async () => {
    const sends = ctx.db.collection<Loose>(uniqueName('sends'));
    await sends.insertOne({ _id: 'other', urls: { u1: { clicks: 5 } } });
    await sends.bulkWrite(
      [
        {
          updateOne: {
            filter: { _id: 'new' },
            update: { $inc: { 'urls.u1.clicks': 1 }, $setOnInsert: { bu: 'NA' } },
            upsert: true,
          },
        },
        { updateOne: { filter: { _id: 'new' }, update: { $inc: { 'urls.u1.clicks': 1 } }, upsert: true } },
      ],
      { ordered: false },
    );
    expect(await sends.findOne({ _id: 'new' })).toEqual({ _id: 'new', urls: { u1: { clicks: 2 } }, bu: 'NA' });
    expect(await sends.findOne({ _id: 'other' })).toEqual({ _id: 'other', urls: { u1: { clicks: 5 } } });
  });

  it('reports the dotted fields an update changed to change streams', async () => {
    const name = uniqueName('watched');
    const sends = ctx.db.collection<Loose>(name);
    await sends.insertOne({ _id: 's1', urls: { u1: { clicks: 1 } } });
    const stream = sends.watch([{ $match: { operationType: 'update' } }]);
    const next = stream.next();
    await new Promise((resolve) => setTimeout(resolve, 50));
    await sends.updateOne({ _id: 's1' }, { $inc: { 'urls.u1.clicks': 1, 'urls.u2.clicks': 1 } });
    const change = (await next) as { updateDescription: { updatedFields: object } };
    await stream.close();
    expect(change.updateDescription.updatedFields).toEqual({ 'urls.u1.clicks': 2, 'urls.u2': { clicks: 1 } });
  });

  it('goes through arrays by position and takes numeric names on sub-documents', async () => {
    const docs = ctx.db.collection<Loose>(uniqueName('docs'));
    await docs.insertOne({ _id: 1, list: [{ n: 1 }, { n: 2 }], byIndex: {} });
    await docs.updateOne({ _id: 1 }, { $inc: { 'list.1.n': 10 }, $set: { 'byIndex.7': 'seven' } });
    expect(await docs.findOne({ _id: 1 }, { projection: { list: 1, byIndex: 1 } })).toEqual({
      _id: 1,
      list: [{ n: 1 }, { n: 12 }],
      byIndex: { '7': 'seven' },
    });
  });
});
