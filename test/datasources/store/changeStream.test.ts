import type { ChangeStream, ChangeStreamDocument, Document } from '../../../src/datasources/store';
import { storeEngines, uniqueName, useStore } from './engines';

/** Opens the stream's cursor before the test writes (MongoDB starts it lazily). */
async function started<T extends ChangeStream>(stream: T): Promise<T> {
  await stream.tryNext();
  return stream;
}

describe.each(storeEngines)('store contract: change streams (%s)', (_name, engine) => {
  const ctx = useStore(engine);

  it('delivers insert, update, replace and delete events through the async iterator', async () => {
    const name = uniqueName('watched');
    const collection = ctx.db.collection(name);
    const stream = await started(collection.watch([], { fullDocument: 'updateLookup' }));
    await collection.insertOne({ _id: 1, a: 1, b: { c: 1 }, gone: true } as never);
    await collection.updateOne({ _id: 1 } as never, { $set: { a: 2, 'b.c': 5 }, $unset: { gone: '' } });
    await collection.replaceOne({ _id: 1 } as never, { z: 1 });
    await collection.deleteOne({ _id: 1 } as never);
    const events: ChangeStreamDocument[] = [];
    for await (const event of stream) {
      events.push(event);
      if (events.length === 4) break;
    }
    expect(events.map((e) => e.operationType)).toEqual(['insert', 'update', 'replace', 'delete']);
    const [insert, update, replace, remove] = events as Document[];
    expect(insert!.fullDocument).toEqual({ _id: 1, a: 1, b: { c: 1 }, gone: true });
    expect(insert!.ns).toEqual({ db: ctx.db.databaseName, coll: name });
    expect(update!.documentKey).toEqual({ _id: 1 });
    expect(update!.updateDescription.updatedFields).toEqual({ a: 2, 'b.c': 5 });
    expect(update!.updateDescription.removedFields).toEqual(['gone']);
    // updateLookup reads the document when the event is delivered: here it was already replaced.
    expect(update!.fullDocument === null || update!.fullDocument.z === 1 || update!.fullDocument.a === 2).toBe(true);
    expect(replace!.fullDocument).toEqual({ _id: 1, z: 1 });
    expect(remove!.documentKey).toEqual({ _id: 1 });
    expect(remove!.fullDocument).toBeUndefined();
    expect(stream.closed).toBe(true);
  });

  it('emits change events to listeners, filters with a pipeline, and stops on close', async () => {
    const collection = ctx.db.collection(uniqueName('emitted'));
    const stream = collection.watch([{ $match: { operationType: 'insert', 'fullDocument.keep': true } }]);
    const received: Document[] = [];
    const twoEvents = new Promise<void>((resolve) => {
      stream.on('change', (event) => {
        received.push(event);
        if (received.length === 2) resolve();
      });
    });
    // Let the driver open its cursor (MongoDB) before writing.
    await new Promise((resolve) => setTimeout(resolve, engine.name === 'mongodb' ? 500 : 0));
    await collection.insertMany([
      { n: 1, keep: true },
      { n: 2, keep: false },
      { n: 3, keep: true },
    ]);
    await twoEvents;
    expect(received.map((e) => e.fullDocument.n)).toEqual([1, 3]);
    const closed = new Promise<void>((resolve) => stream.once('close', () => resolve()));
    await stream.close();
    await closed;
    await collection.insertOne({ n: 4, keep: true });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(received.length).toBe(2);
  });

  it('lets through only the operations its first $match names', async () => {
    const collection = ctx.db.collection(uniqueName('operations'));
    const stream = await started(collection.watch([{ $match: { operationType: { $in: ['insert', 'delete'] } } }]));
    await collection.insertOne({ _id: 1, n: 1 } as never);
    await collection.updateOne({ _id: 1 } as never, { $set: { n: 2 } });
    await collection.replaceOne({ _id: 1 } as never, { n: 3 });
    await collection.deleteOne({ _id: 1 } as never);
    const events = [await stream.next(), await stream.next()] as Document[];
    await stream.close();
    expect(events.map((e) => [e.operationType, e.documentKey._id])).toEqual([
      ['insert', 1],
      ['delete', 1],
    ]);
  });

  it('delivers one event per document of a large bulk write, each with its own token, even when the bulk fails part-way', async () => {
    const collection = ctx.db.collection(uniqueName('bulk'));
    const stream = await started(collection.watch());
    const documents = Array.from({ length: 2500 }, (_, i) => ({ _id: i }));
    await expect(collection.insertMany([...documents, { _id: 0 }] as never[])).rejects.toMatchObject({ code: 11000 });
    const events: Document[] = [];
    for (let i = 0; i < 2500; i++) events.push((await stream.next()) as Document);
    const token = stream.resumeToken;
    await collection.insertOne({ _id: 'after' } as never);
    expect(((await stream.next()) as Document).documentKey).toEqual({ _id: 'after' });
    await stream.close();
    expect(events.map((e) => e.documentKey._id)).toEqual(documents.map((d) => d._id));
    expect(new Set(events.map((e) => JSON.stringify(e._id))).size).toBe(2500);
    const resumed = collection.watch([], { resumeAfter: events[1499]!._id });
    expect(((await resumed.next()) as Document).documentKey).toEqual({ _id: 1500 });
    await resumed.close();
    const fromEnd = collection.watch([], { resumeAfter: token });
    expect(((await fromEnd.next()) as Document).documentKey).toEqual({ _id: 'after' });
    await fromEnd.close();
  });

  it('resumes after the token of the last event returned, replaying what followed it', async () => {
    const collection = ctx.db.collection(uniqueName('resumed'));
    const first = await started(collection.watch());
    await collection.insertMany([{ n: 1 }, { n: 2 }]);
    const one = await first.next();
    // Event 2 is already waiting in the stream: the token still points right after event 1.
    const token = first.resumeToken;
    await first.close();
    await collection.insertOne({ n: 3 });
    const resumed = collection.watch([], { resumeAfter: token });
    const replayed = [await resumed.next(), await resumed.next()];
    await resumed.close();
    expect((one as Document).fullDocument.n).toBe(1);
    expect(replayed.map((e) => (e as Document).fullDocument.n)).toEqual([2, 3]);
  });

  it('watches a whole database', async () => {
    const stream = await started(ctx.db.watch([{ $match: { 'ns.coll': { $regex: '^dbwide_' } } }]));
    const a = ctx.db.collection(uniqueName('dbwide'));
    const b = ctx.db.collection(uniqueName('dbwide'));
    await a.insertOne({ from: 'a' });
    await b.insertOne({ from: 'b' });
    const events = [await stream.next(), await stream.next()] as Document[];
    await stream.close();
    expect(events.map((e) => e.fullDocument.from)).toEqual(['a', 'b']);
  });
});
