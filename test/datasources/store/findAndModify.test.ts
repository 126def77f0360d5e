import { storeEngines, uniqueName, useStore } from './engines';

describe.each(storeEngines)('store contract: findOneAnd* and atomic claims (%s)', (_name, engine) => {
  const ctx = useStore(engine);

  it('findOneAndUpdate returns the document before (default) or after, honouring sort and projection', async () => {
    const jobs = ctx.db.collection(uniqueName('jobs'));
    await jobs.insertMany([
      { _id: 1, p: 2, state: 'new' },
      { _id: 2, p: 5, state: 'new' },
    ] as never[]);
    const before = await jobs.findOneAndUpdate({ state: 'new' }, { $set: { state: 'taken' } }, { sort: { p: -1 } });
    expect(before).toEqual({ _id: 2, p: 5, state: 'new' });
    const after = await jobs.findOneAndUpdate(
      { state: 'new' },
      { $set: { state: 'taken' } },
      { returnDocument: 'after', projection: { state: 1 } },
    );
    expect(after).toEqual({ _id: 1, state: 'taken' });
    expect(await jobs.findOneAndUpdate({ state: 'new' }, { $set: { state: 'taken' } })).toBeNull();
  });

  it('findOneAndUpdate upserts and can include result metadata', async () => {
    const counters = ctx.db.collection(uniqueName('counters'));
    const created = await counters.findOneAndUpdate(
      { _id: 'seq' } as never,
      { $inc: { n: 1 } },
      { upsert: true, returnDocument: 'after', includeResultMetadata: true },
    );
    expect(created.value).toEqual({ _id: 'seq', n: 1 });
    expect(created.lastErrorObject).toMatchObject({ n: 1, updatedExisting: false, upserted: 'seq' });
    const updated = await counters.findOneAndUpdate(
      { _id: 'seq' } as never,
      { $inc: { n: 1 } },
      { upsert: true, returnDocument: 'after', includeResultMetadata: true },
    );
    expect(updated.value).toEqual({ _id: 'seq', n: 2 });
    expect(updated.lastErrorObject).toMatchObject({ n: 1, updatedExisting: true });
  });

  it('findOneAndReplace and findOneAndDelete', async () => {
    const docs = ctx.db.collection(uniqueName('fo'));
    await docs.insertMany([
      { _id: 1, v: 'a' },
      { _id: 2, v: 'b' },
    ] as never[]);
    expect(await docs.findOneAndReplace({ v: 'a' }, { v: 'A' }, { returnDocument: 'after' })).toEqual({
      _id: 1,
      v: 'A',
    });
    expect(await docs.findOneAndDelete({}, { sort: { _id: -1 } })).toEqual({ _id: 2, v: 'b' });
    expect(await docs.findOneAndDelete({ v: 'zzz' })).toBeNull();
    expect(await docs.countDocuments()).toBe(1);
  });

  it('never hands the same document to two concurrent claimers', async () => {
    const queue = ctx.db.collection(uniqueName('queue'));
    await queue.createIndex({ status: 1, at: 1 });
    await queue.insertMany(Array.from({ length: 40 }, (_, i) => ({ _id: i, status: 'QUEUED', at: i })) as never[]);
    const claim = (worker: number) =>
      queue.findOneAndUpdate(
        { status: 'QUEUED' },
        { $set: { status: 'CLAIMED', worker } },
        { sort: { at: 1 }, returnDocument: 'after' },
      );
    const claims = await Promise.all(Array.from({ length: 60 }, (_, worker) => claim(worker)));
    const won = claims.filter((doc) => doc !== null).map((doc) => doc!._id as unknown as number);
    expect(won.length).toBe(40);
    expect(new Set(won).size).toBe(40);
    expect(await queue.countDocuments({ status: 'QUEUED' })).toBe(0);
  });

  it('concurrent upserts of one key create one document and count every increment', async () => {
    const totals = ctx.db.collection(uniqueName('totals'));
    await totals.createIndex({ bu: 1, day: 1 }, { unique: true });
    await Promise.all(
      Array.from({ length: 50 }, () => totals.updateOne({ bu: 'x', day: 1 }, { $inc: { n: 1 } }, { upsert: true })),
    );
    expect(await totals.find({}, { projection: { _id: 0 } }).toArray()).toEqual([{ bu: 'x', day: 1, n: 50 }]);
  });
});
