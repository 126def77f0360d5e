import { MongoBulkWriteError, ObjectId } from 'mongodb';
import type { Collection } from '../../../src/datasources/store';
import { storeEngines, uniqueName, useStore } from './engines';

/** Documents whose `_id` is whatever the test gives it. */
type AnyDoc = { _id?: any; [field: string]: any };

/**
 * The insert case of an upsert (what an import's bulk of `$setOnInsert` upserts mostly is)
 * builds its document from the filter's equalities and the update, as MongoDB does; the
 * existing case changes nothing `$setOnInsert` names.
 */
describe.each(storeEngines)('store contract: upserts that insert (%s)', (_name, engine) => {
  const ctx = useStore(engine);
  const collection = (prefix: string): Collection<AnyDoc> => ctx.db.collection<AnyDoc>(uniqueName(prefix));

  it('bulk $setOnInsert by _id inserts what is missing and leaves what is there', async () => {
    const entries = collection('soi');
    await entries.insertOne({ _id: 'c:u1', email: 'kept@x.io', score: 7 } as AnyDoc);
    const rows = [
      { _id: 'c:u1', email: 'new@x.io', score: null },
      { _id: 'c:u2', email: 'u2@x.io', score: null },
      { _id: 'c:u3', email: 'u3@x.io', score: null },
      { _id: 'c:u2', email: 'again@x.io', score: 1 },
    ];
    const result = await entries.bulkWrite(
      rows.map(({ _id, ...fields }) => ({
        updateOne: { filter: { _id }, update: { $setOnInsert: fields }, upsert: true },
      })),
      { ordered: false },
    );
    expect(result).toMatchObject({ upsertedCount: 2, matchedCount: 2, modifiedCount: 0, insertedCount: 0 });
    expect(result.upsertedIds).toEqual({ 1: 'c:u2', 2: 'c:u3' });
    expect(await entries.find({}).sort({ _id: 1 }).toArray()).toEqual([
      { _id: 'c:u1', email: 'kept@x.io', score: 7 },
      { _id: 'c:u2', email: 'u2@x.io', score: null },
      { _id: 'c:u3', email: 'u3@x.io', score: null },
    ]);
    const inserted = await entries.findOne({ _id: 'c:u3' });
    expect(Object.keys(inserted!)).toEqual(['_id', 'email', 'score']);
  });

  it('$set and $setOnInsert together: both on insert, $set alone on a match', async () => {
    const entries = collection('setsoi');
    await entries.insertOne({ _id: 'b', a: 0, z: 'old' } as AnyDoc);
    const upsert = (_id: string) =>
      entries.updateOne(
        { _id },
        { $set: { a: 1, b: [1, 2] }, $setOnInsert: { c: { d: 1 }, z: 'new' } },
        { upsert: true },
      );
    expect(await upsert('a')).toMatchObject({ upsertedCount: 1, upsertedId: 'a' });
    expect(await upsert('b')).toMatchObject({ matchedCount: 1, modifiedCount: 1, upsertedCount: 0 });
    expect(await entries.findOne({ _id: 'a' })).toEqual({ _id: 'a', a: 1, b: [1, 2], c: { d: 1 }, z: 'new' });
    expect(await entries.findOne({ _id: 'b' })).toEqual({ _id: 'b', a: 1, z: 'old', b: [1, 2] });
  });

  it('the filter equalities seed the document; `_id` first', async () => {
    const entries = collection('seed');
    await entries.updateOne(
      { kind: 'email', _id: 'email:a@x.io', 'meta.source': 'import', n: { $eq: 3 }, m: { $gt: 1 } },
      { $setOnInsert: { addedBy: 'ops' } },
      { upsert: true },
    );
    const stored = await entries.findOne({ _id: 'email:a@x.io' });
    expect(stored).toEqual({ _id: 'email:a@x.io', kind: 'email', meta: { source: 'import' }, n: 3, addedBy: 'ops' });
    expect(Object.keys(stored!)[0]).toBe('_id');
  });

  it('by a unique key: a new ObjectId _id, then matches of the same key in the same bulk', async () => {
    const entries = collection('ukey');
    await entries.createIndex({ campaignId: 1, userId: 1 }, { unique: true });
    const op = (userId: string, email: string) => ({
      updateOne: {
        filter: { campaignId: 'c', userId },
        update: { $set: { email }, $setOnInsert: { score: null } },
        upsert: true,
      },
    });
    const result = await entries.bulkWrite([op('u1', 'a@x.io'), op('u2', 'b@x.io'), op('u1', 'c@x.io')]);
    expect(result).toMatchObject({ upsertedCount: 2, matchedCount: 1, modifiedCount: 1 });
    expect(result.upsertedIds[0]).toBeInstanceOf(ObjectId);
    const u1 = await entries.findOne({ campaignId: 'c', userId: 'u1' });
    expect(u1).toEqual({ _id: result.upsertedIds[0], campaignId: 'c', userId: 'u1', email: 'c@x.io', score: null });
  });

  it('an upsert taking a unique key another document holds fails alone in an unordered bulk', async () => {
    const entries = collection('udup');
    await entries.createIndex({ email: 1 }, { unique: true, sparse: true });
    await entries.insertOne({ _id: 'x', email: 'taken@x.io' } as AnyDoc);
    const error = await entries
      .bulkWrite(
        [
          { updateOne: { filter: { _id: 'y' }, update: { $setOnInsert: { email: 'taken@x.io' } }, upsert: true } },
          { updateOne: { filter: { _id: 'z' }, update: { $setOnInsert: { email: 'free@x.io' } }, upsert: true } },
        ],
        { ordered: false },
      )
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MongoBulkWriteError);
    expect((error as MongoBulkWriteError).writeErrors).toMatchObject([{ index: 0, code: 11000 }]);
    expect(await entries.find({}).sort({ _id: 1 }).toArray()).toEqual([
      { _id: 'x', email: 'taken@x.io' },
      { _id: 'z', email: 'free@x.io' },
    ]);
  });

  it('updates that add, change and remove fields of stored documents', async () => {
    const docs = collection('shape');
    await docs.insertOne({ _id: 1, a: 1, b: 'x', c: true } as AnyDoc);
    await docs.updateOne({ _id: 1 }, { $set: { a: 2, d: 'new' }, $inc: { e: 1 } });
    expect(Object.keys((await docs.findOne({ _id: 1 }))!)).toEqual(['_id', 'a', 'b', 'c', 'd', 'e']);
    await docs.updateOne({ _id: 1 }, { $unset: { b: '' }, $max: { a: 5 }, $min: { f: 0 } });
    expect(await docs.findOne({ _id: 1 })).toEqual({ _id: 1, a: 5, c: true, d: 'new', e: 1, f: 0 });
    await docs.updateOne({ _id: 1 }, { $set: { a: 6 } });
    expect(Object.keys((await docs.findOne({ _id: 1 }))!)).toEqual(['_id', 'a', 'c', 'd', 'e', 'f']);
  });

  it('a stored field named __proto__ stays a field when an update adds another', async () => {
    const docs = collection('proto');
    const document = JSON.parse('{"_id": 1, "__proto__": {"x": 1}}') as AnyDoc;
    await docs.insertOne(document);
    await docs.updateOne({ _id: 1 }, { $set: { added: true } });
    const stored = await docs.findOne({ _id: 1 });
    expect(Object.hasOwn(stored!, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(stored)).toBe(Object.prototype);
    expect(stored!.added).toBe(true);
  });
});
