import { MongoBulkWriteError, MongoServerError } from 'mongodb';
import type { Collection, Document } from '../../../src/datasources/store';
import { applyIndexes, type IndexDeclaration } from '../../../src/datasources/store/indexes';
import { declaredIndexes, features } from '../../../src/features';
import { storeEngines, uniqueName, useStore } from './engines';

async function examined(collection: Collection, filter: Document, sort?: Document, limit = 0) {
  let cursor = collection.find(filter);
  if (sort) cursor = cursor.sort(sort as never);
  if (limit) cursor = cursor.limit(limit);
  const explained = await cursor.explain('executionStats');
  const stats = explained.executionStats as { nReturned: number; totalKeysExamined: number; totalDocsExamined: number };
  return stats;
}

it('retires no index a feature still declares (start-up would drop and rebuild it every time)', () => {
  const retiredIndexes = features.flatMap((feature) => feature.retiredIndexes ?? []);
  const declared = new Set(declaredIndexes().map(({ collection, key }) => `${collection} ${JSON.stringify(key)}`));
  expect(retiredIndexes.filter(({ collection, key }) => declared.has(`${collection} ${JSON.stringify(key)}`))).toEqual(
    [],
  );
});

describe.each(storeEngines)('store contract: indexes and duplicate keys (%s)', (_name, engine) => {
  const ctx = useStore(engine);

  it('drops retired indexes at start-up, so a retired unique key no longer refuses writes', async () => {
    const name = uniqueName('recipients');
    const recipients = ctx.db.collection(name);
    // an older version kept the e-mail on each recipient, unique per campaign
    await recipients.createIndex({ campaignId: 1, email: 1 }, { unique: true });
    const retired: IndexDeclaration[] = [
      { collection: name, key: { campaignId: 1, email: 1 } },
      { collection: uniqueName('never_created'), key: { x: 1 } },
    ];
    const declared: IndexDeclaration[] = [{ collection: name, key: { campaignId: 1, status: 1 } }];
    await applyIndexes(ctx.db, declared, retired);
    await applyIndexes(ctx.db, declared, retired);
    expect((await recipients.indexes()).map((index) => index.key)).toEqual([{ _id: 1 }, { campaignId: 1, status: 1 }]);
    // recipients without an e-mail no longer collide on (campaignId, null)
    await recipients.insertMany([
      { campaignId: 'c', status: 'PENDING' },
      { campaignId: 'c', status: 'PENDING' },
    ]);
  });

  it('throws E11000 with the server message, keyPattern and keyValue', async () => {
    const name = uniqueName('users');
    const users = ctx.db.collection(name);
    await users.createIndex({ email: 1 }, { unique: true });
    await users.insertOne({ email: 'a@x.org' });
    const error = await users.insertOne({ email: 'a@x.org' }).catch((e) => e);
    expect(error).toBeInstanceOf(MongoServerError);
    expect(error.code).toBe(11000);
    expect(error.message).toBe(
      `E11000 duplicate key error collection: ${ctx.db.databaseName}.${name} index: email_1 dup key: { email: "a@x.org" }`,
    );
    expect(error.keyPattern).toEqual({ email: 1 });
    expect(error.keyValue).toEqual({ email: 'a@x.org' });
  });

  it('refuses a taken _id before any other taken key, and writes nothing of the refused document', async () => {
    const users = ctx.db.collection<{ _id: string; email: string }>(uniqueName('users'));
    await users.createIndex({ email: 1 }, { unique: true });
    await users.insertOne({ _id: 'u1', email: 'a@x.org' });
    const both = await users.insertOne({ _id: 'u1', email: 'a@x.org' }).catch((e) => e);
    expect(both).toMatchObject({ code: 11000, keyPattern: { _id: 1 }, keyValue: { _id: 'u1' } });
    const idOnly = await users.insertOne({ _id: 'u1', email: 'b@x.org' }).catch((e) => e);
    expect(idOnly).toMatchObject({ code: 11000, keyPattern: { _id: 1 } });
    // the refused document left no e-mail entry behind
    await users.insertOne({ _id: 'u2', email: 'b@x.org' });
    expect(await users.find({}, { sort: { _id: 1 } }).toArray()).toEqual([
      { _id: 'u1', email: 'a@x.org' },
      { _id: 'u2', email: 'b@x.org' },
    ]);
    expect(await users.countDocuments({ email: 'b@x.org' })).toBe(1);
  });

  it('enforces compound unique indexes on the whole key only', async () => {
    const events = ctx.db.collection(uniqueName('events'));
    await events.createIndex({ bu: 1, day: 1 }, { unique: true });
    await events.insertMany([
      { bu: 'a', day: 1 },
      { bu: 'a', day: 2 },
      { bu: 'b', day: 1 },
    ]);
    const error = await events.insertOne({ bu: 'a', day: 2 }).catch((e) => e);
    expect(error.code).toBe(11000);
    expect(error.message).toMatch(/index: bu_1_day_1 dup key: \{ bu: "a", day: 2 \}$/);
  });

  it('enforces partial unique indexes only on matching documents', async () => {
    const leads = ctx.db.collection(uniqueName('leads'));
    await leads.createIndex(
      { email: 1 },
      { unique: true, partialFilterExpression: { open: true }, name: 'open_email' },
    );
    await leads.insertMany([
      { email: 'x', open: false },
      { email: 'x', open: false },
      { email: 'x', open: true },
    ]);
    const error = await leads.insertOne({ email: 'x', open: true }).catch((e) => e);
    expect(error.code).toBe(11000);
    expect(error.message).toContain('index: open_email');
    await leads.updateOne({ open: true }, { $set: { open: false } });
    await expect(leads.insertOne({ email: 'x', open: true })).resolves.toBeDefined();
  });

  it('treats a missing field as null in a unique index, unless it is sparse', async () => {
    const plain = ctx.db.collection(uniqueName('plain'));
    await plain.createIndex({ code: 1 }, { unique: true });
    await plain.insertOne({ n: 1 });
    expect((await plain.insertOne({ n: 2 }).catch((e) => e)).code).toBe(11000);
    const sparse = ctx.db.collection(uniqueName('sparse'));
    await sparse.createIndex({ code: 1 }, { unique: true, sparse: true });
    await sparse.insertMany([{ n: 1 }, { n: 2 }, { code: 'c' }]);
    expect((await sparse.insertOne({ code: 'c' }).catch((e) => e)).code).toBe(11000);
  });

  it('rejects an update that would duplicate a key, leaving the document as it was', async () => {
    const accounts = ctx.db.collection(uniqueName('accounts'));
    await accounts.createIndex({ handle: 1 }, { unique: true });
    await accounts.insertMany([
      { _id: 1, handle: 'a' },
      { _id: 2, handle: 'b' },
    ] as never[]);
    expect(
      (await accounts.updateOne({ _id: 2 } as never, { $set: { handle: 'a', touched: true } }).catch((e) => e)).code,
    ).toBe(11000);
    expect(await accounts.findOne({ _id: 2 } as never)).toEqual({ _id: 2, handle: 'b' });
    expect(await accounts.countDocuments({ handle: 'a' })).toBe(1);
  });

  it('moves the index entries of an update whose indexed values change, and only those', async () => {
    const fans = ctx.db.collection(uniqueName('fans'));
    await fans.createIndex({ campaignId: 1, verdict: 1 });
    await fans.createIndex({ 'consent.source': 1 });
    await fans.createIndex({ tags: 1 });
    await fans.createIndex({ handle: 1 }, { unique: true });
    await fans.insertMany([
      { _id: 1, campaignId: 'c', verdict: null, consent: { source: 'web' }, tags: ['a', 'b'], handle: 'h1', n: 0 },
      { _id: 2, campaignId: 'c', verdict: null, consent: { source: 'web' }, tags: ['a'], handle: 'h2', n: 0 },
    ] as never[]);
    const ids = async (filter: Document) => {
      const stats = await examined(fans, filter);
      expect(stats.totalDocsExamined).toBe(stats.nReturned);
      return (await fans.find(filter).toArray()).map((doc) => doc._id).sort();
    };
    await fans.bulkWrite([
      { updateOne: { filter: { _id: 1 }, update: { $set: { n: 1, verdict: true } } } },
      { updateOne: { filter: { _id: 2 }, update: { $set: { n: 2, 'consent.source': 'sms', tags: ['b', 'c'] } } } },
    ] as never[]);
    expect(await ids({ campaignId: 'c', verdict: true })).toEqual([1]);
    expect(await ids({ campaignId: 'c', verdict: null })).toEqual([2]);
    expect(await ids({ 'consent.source': 'web' })).toEqual([1]);
    expect(await ids({ 'consent.source': 'sms' })).toEqual([2]);
    expect(await ids({ tags: 'a' })).toEqual([1]);
    expect(await ids({ tags: 'b' })).toEqual([1, 2]);
    expect(await ids({ tags: 'c' })).toEqual([2]);
    // a unique key swapped for another is checked; one left as it was is not the document's own conflict
    await fans.updateOne({ _id: 1 } as never, { $set: { handle: 'h3', n: 3 } });
    await fans.updateOne({ _id: 2 } as never, { $set: { handle: 'h2', n: 4 } });
    expect((await fans.updateOne({ _id: 2 } as never, { $set: { handle: 'h3' } }).catch((e) => e)).code).toBe(11000);
    expect(await ids({ handle: 'h1' })).toEqual([]);
    expect(await ids({ handle: 'h3' })).toEqual([1]);
    expect(await ids({ handle: 'h2' })).toEqual([2]);
  });

  it('reports duplicate keys of bulkWrite as writeErrors with the partial result', async () => {
    const rows = ctx.db.collection(uniqueName('rows'));
    await rows.createIndex({ k: 1 }, { unique: true });
    await rows.insertOne({ k: 1 });
    const error = (await rows
      .bulkWrite(
        [
          { insertOne: { document: { k: 2 } } },
          { updateOne: { filter: { k: 2 }, update: { $set: { k: 1 } } } },
          { updateOne: { filter: { k: 3 }, update: { $set: { v: 1 } }, upsert: true } },
        ],
        { ordered: false },
      )
      .catch((e) => e)) as MongoBulkWriteError;
    expect(error).toBeInstanceOf(MongoBulkWriteError);
    expect(error.code).toBe(11000);
    const writeErrors = Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors];
    expect(writeErrors.map((e) => ({ index: e.index, code: e.code }))).toEqual([{ index: 1, code: 11000 }]);
    expect(error.result.insertedCount).toBe(1);
    expect(error.result.upsertedCount).toBe(1);
  });

  it('fails to build a unique index over existing duplicates, and creates nothing', async () => {
    const dupes = ctx.db.collection(uniqueName('dupes'));
    await dupes.insertMany([{ v: 1 }, { v: 1 }]);
    expect((await dupes.createIndex({ v: 1 }, { unique: true }).catch((e) => e)).code).toBe(11000);
    expect((await dupes.indexes()).map((index) => index.name)).toEqual(['_id_']);
  });

  it('creates indexes idempotently, lists them, and drops them', async () => {
    const docs = ctx.db.collection(uniqueName('idx'));
    expect(await docs.createIndex({ a: 1, b: -1 })).toBe('a_1_b_-1');
    expect(await docs.createIndex({ a: 1, b: -1 })).toBe('a_1_b_-1');
    await docs.createIndexes([{ key: { at: 1 }, expireAfterSeconds: 3600 }]);
    const listed = await docs.listIndexes().toArray();
    expect(listed.map((index) => [index.name, index.key])).toEqual([
      ['_id_', { _id: 1 }],
      ['a_1_b_-1', { a: 1, b: -1 }],
      ['at_1', { at: 1 }],
    ]);
    expect(listed[2]!.expireAfterSeconds).toBe(3600);
    const conflict = await docs.createIndex({ c: 1 }, { name: 'a_1_b_-1' }).catch((e) => e);
    expect(conflict).toBeInstanceOf(MongoServerError);
    await docs.dropIndex('a_1_b_-1');
    expect(await docs.indexExists('a_1_b_-1')).toBe(false);
    expect((await docs.dropIndex('nope').catch((e) => e)).code).toBe(27);
  });

  it('answers equality and range prefixes from the index without scanning the collection', async () => {
    const clicks = ctx.db.collection(uniqueName('clicks'));
    await clicks.createIndex({ bu: 1, day: 1 });
    await clicks.insertMany(Array.from({ length: 300 }, (_, i) => ({ bu: `bu${i % 3}`, day: i % 100, n: i })));
    const range = await examined(clicks, { bu: 'bu1', day: { $gte: 10, $lt: 20 } });
    expect(range.nReturned).toBe(10);
    expect(range.totalDocsExamined).toBe(10);
    expect(range.totalKeysExamined).toBeLessThanOrEqual(11);
    const inList = await examined(clicks, { bu: { $in: ['bu0', 'bu2'] }, day: 3 });
    expect(inList.totalDocsExamined).toBe(inList.nReturned);
    const noIndex = await examined(clicks, { n: 5 });
    expect(noIndex.totalDocsExamined).toBe(300);
  });

  it('answers a long $in list by index points', async () => {
    const rows = ctx.db.collection(uniqueName('rows'));
    await rows.insertMany(Array.from({ length: 3000 }, (_, i) => ({ _id: i, v: 0 })) as never[]);
    const ids = Array.from({ length: 1500 }, (_, i) => i * 2);
    const result = await rows.updateMany({ _id: { $in: ids } } as never, { $set: { v: 1 } });
    expect(result.modifiedCount).toBe(1500);
    expect(await rows.countDocuments({ v: 1, _id: { $mod: [2, 1] } } as never)).toBe(0);
    const stats = await examined(rows, { _id: { $in: ids.slice(0, 700) } });
    expect(stats.nReturned).toBe(700);
    expect(stats.totalDocsExamined).toBe(700);
  });

  it('reads a sort on index keys from the index (forward and backward), stopping at the limit', async () => {
    const entries = ctx.db.collection(uniqueName('entries'));
    await entries.createIndex({ status: 1, queuedAt: 1 });
    await entries.insertMany(
      Array.from({ length: 200 }, (_, i) => ({
        status: i % 2 ? 'QUEUED' : 'DONE',
        queuedAt: new Date(1e12 + i * 1000),
      })),
    );
    const oldest = await examined(entries, { status: 'QUEUED' }, { queuedAt: 1 }, 3);
    expect(oldest.totalDocsExamined).toBe(3);
    const newest = await entries.find({ status: 'QUEUED' }).sort({ queuedAt: -1 }).limit(2).toArray();
    expect(newest.map((d) => (d.queuedAt as Date).getTime())).toEqual([1e12 + 199_000, 1e12 + 197_000]);
    expect((await examined(entries, { status: 'QUEUED' }, { queuedAt: -1 }, 2)).totalDocsExamined).toBe(2);
  });

  it('uses descending and multikey indexes correctly', async () => {
    const posts = ctx.db.collection(uniqueName('posts'));
    await posts.createIndex({ score: -1 });
    await posts.createIndex({ tags: 1 });
    await posts.insertMany(Array.from({ length: 50 }, (_, i) => ({ score: i, tags: [`t${i % 5}`, 'all'] })));
    const band = await posts
      .find({ score: { $gt: 10, $lte: 14 } })
      .sort({ score: -1 })
      .toArray();
    expect(band.map((d) => d.score)).toEqual([14, 13, 12, 11]);
    expect((await examined(posts, { score: { $gt: 10, $lte: 14 } })).totalDocsExamined).toBe(4);
    expect(await posts.countDocuments({ tags: 'all' })).toBe(50);
    expect((await examined(posts, { tags: 't3' })).totalDocsExamined).toBe(10);
  });

  it('refuses to index two array fields of one document', async () => {
    const pairs = ctx.db.collection(uniqueName('pairs'));
    await pairs.createIndex({ a: 1, b: 1 });
    expect((await pairs.insertOne({ a: [1], b: [2] }).catch((e) => e)).code).toBe(171);
  });
});
