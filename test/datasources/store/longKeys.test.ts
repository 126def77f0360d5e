import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deserialize } from 'bson';
import { open } from 'lmdb';
import { openStore, type Document } from '../../../src/datasources/store';
import { encodeKey } from '../../../src/datasources/store/embedded/keyCodec';
import { storeEngines, uniqueName, useStore } from './engines';

/**
 * MongoDB (4.2 and later) indexes values of any length; LMDB keys are at most 1,978 bytes. These
 * values are longer than any LMDB key and share their first thousands of characters, so only the
 * whole value tells them apart and orders them.
 */
const SHARED = 'https://example.com/campaign?utm=' + 'x'.repeat(6000);
const long = (tail: string) => `${SHARED}${tail}`;
const LONG_VALUES = [long('b'), long('a'), long('c'), long(''), long('ab'), 'y'.repeat(4000), 'short', 'w'];

const byString = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const sorted = (values: string[], direction: 1 | -1 = 1) => [...values].sort((a, b) => byString(a, b) * direction);
const urls = (documents: Document[]) => documents.map((document) => document.url as string);

describe.each(storeEngines)('store contract: index keys of any length (%s)', (_name, engine) => {
  const ctx = useStore(engine);

  async function collectionWith(index: Document, options: { unique?: boolean } = {}) {
    const collection = ctx.db.collection(uniqueName('long_keys'));
    await collection.createIndex(index, options);
    await collection.insertMany(
      LONG_VALUES.map((url, i) => ({ _id: i as never, url, bu: i % 2 === 0 ? 'even' : 'odd' })),
    );
    return collection;
  }

  it.each([
    ['ascending', { url: 1 }, {}],
    ['descending', { url: -1 }, {}],
    ['unique', { url: 1 }, { unique: true }],
  ])('finds, counts and ranges over long values on a %s index', async (_kind, index, options) => {
    const collection = await collectionWith(index, options);
    for (const url of LONG_VALUES) {
      expect(urls(await collection.find({ url }).toArray())).toEqual([url]);
    }
    expect(await collection.findOne({ url: long('zz') })).toBeNull();
    expect(await collection.countDocuments({ url: { $in: [long('a'), long('c'), 'w'] } })).toBe(3);
    for (const bound of [long('a'), long('b'), long('')]) {
      const expected = (keep: (url: string) => boolean) => sorted(LONG_VALUES.filter(keep));
      expect(sorted(urls(await collection.find({ url: { $gt: bound } }).toArray()))).toEqual(
        expected((url) => url > bound),
      );
      expect(sorted(urls(await collection.find({ url: { $gte: bound } }).toArray()))).toEqual(
        expected((url) => url >= bound),
      );
      expect(sorted(urls(await collection.find({ url: { $lt: bound } }).toArray()))).toEqual(
        expected((url) => url < bound),
      );
      expect(sorted(urls(await collection.find({ url: { $lte: bound, $gt: 'v' } }).toArray()))).toEqual(
        expected((url) => url <= bound && url > 'v'),
      );
    }
  });

  it.each([
    ['ascending', { url: 1 }],
    ['descending', { url: -1 }],
  ] as const)('sorts long values sharing a long prefix in order on a %s index', async (_kind, index) => {
    const collection = await collectionWith(index);
    for (const direction of [1, -1] as const) {
      expect(urls(await collection.find({}).sort({ url: direction }).toArray())).toEqual(
        sorted(LONG_VALUES, direction),
      );
      expect(urls(await collection.find({}).sort({ url: direction }).limit(3).toArray())).toEqual(
        sorted(LONG_VALUES, direction).slice(0, 3),
      );
      expect(
        urls(
          await collection
            .find({ url: { $gte: long('') } })
            .sort({ url: direction })
            .toArray(),
        ),
      ).toEqual(
        sorted(
          LONG_VALUES.filter((url) => url >= long('')),
          direction,
        ),
      );
    }
  });

  it('sorts by a long field after an equality on a compound index', async () => {
    const collection = await collectionWith({ bu: 1, url: 1 });
    const even = LONG_VALUES.filter((_url, i) => i % 2 === 0);
    expect(urls(await collection.find({ bu: 'even' }).sort({ url: 1 }).toArray())).toEqual(sorted(even));
    expect(urls(await collection.find({ bu: 'even' }).sort({ url: -1 }).toArray())).toEqual(sorted(even, -1));
    expect(urls(await collection.find({ bu: 'odd', url: long('a') }).toArray())).toEqual([long('a')]);
  });

  it('keeps a unique index unique for long values, and tells apart values that share a long prefix', async () => {
    const collection = await collectionWith({ url: 1 }, { unique: true });
    await expect(collection.insertOne({ url: long('a') })).rejects.toMatchObject({ code: 11000 });
    await collection.insertOne({ url: long('aa') });
    expect(await collection.countDocuments({ url: { $gt: long('a'), $lt: long('b') } })).toBe(2);
  });

  it('moves the index entry of a long value that is updated, and removes it with the document', async () => {
    const collection = await collectionWith({ url: 1 });
    await collection.updateOne({ url: long('a') }, { $set: { url: long('d') } });
    expect(await collection.findOne({ url: long('a') })).toBeNull();
    expect(await collection.findOne({ url: long('d') })).toMatchObject({ _id: 1 });
    await collection.deleteOne({ url: long('d') });
    expect(await collection.countDocuments({ url: long('d') })).toBe(0);
  });

  it('indexes the elements of arrays of long values, and compound keys of several long values', async () => {
    const collection = ctx.db.collection(uniqueName('long_keys'));
    await collection.createIndex({ tags: 1 });
    await collection.createIndex({ a: 1, b: -1, c: 1 });
    await collection.insertMany([
      { _id: 1 as never, tags: [long('a'), long('b')], a: long('1'), b: long('2'), c: long('3') },
      { _id: 2 as never, tags: [long('c')], a: long('1'), b: long('4'), c: long('3') },
    ]);
    expect((await collection.find({ tags: long('b') }).toArray()).map((document) => document._id)).toEqual([1]);
    expect((await collection.find({ a: long('1'), b: long('4') }).toArray()).map((document) => document._id)).toEqual([
      2,
    ]);
    expect(
      (
        await collection
          .find({ a: long('1') })
          .sort({ b: -1 })
          .toArray()
      ).map((document) => document._id),
    ).toEqual([2, 1]);
  });

  it('stores, finds, updates and deletes documents whose _id is long', async () => {
    const collection = ctx.db.collection<{ _id: string; n: number }>(uniqueName('long_ids'));
    await collection.insertMany([long('a'), long('b'), 'short'].map((_id, n) => ({ _id, n })));
    await expect(collection.insertOne({ _id: long('a'), n: 9 })).rejects.toMatchObject({ code: 11000 });
    expect(await collection.findOne({ _id: long('b') })).toEqual({ _id: long('b'), n: 1 });
    expect((await collection.find({ _id: { $gt: long('a') } }).toArray()).map((document) => document.n)).toEqual([
      1, 2,
    ]);
    await collection.updateOne({ _id: long('a') }, { $inc: { n: 10 } });
    expect(await collection.findOne({ _id: long('a') })).toEqual({ _id: long('a'), n: 10 });
    await collection.deleteOne({ _id: long('b') });
    expect(await collection.countDocuments({})).toBe(2);
  });
});

describe('embedded store: a data directory written before long keys', () => {
  it('re-keys documents whose _id was stored whole and is now stored shortened, once', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'store-long-ids-'));
    try {
      // 1,960 bytes: an _id LMDB could store whole, and that the engine now stores shortened
      const id = 'i'.repeat(1957);
      let store = await openStore({ dataDir, dbName: 'test' });
      await store.db.collection('c').insertOne({ _id: id as never, n: 1 });
      await store.close();
      await rewriteAsFormat6(dataDir);

      for (let opening = 0; opening < 2; opening++) {
        store = await openStore({ dataDir, dbName: 'test' });
        try {
          expect(await store.db.collection('c').findOne({ _id: id as never })).toEqual({ _id: id, n: 1 });
          await expect(store.db.collection('c').insertOne({ _id: id as never })).rejects.toMatchObject({ code: 11000 });
        } finally {
          await store.close();
        }
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

/** What format 6 wrote: every document under its whole `_id` key. */
async function rewriteAsFormat6(dataDir: string): Promise<void> {
  const env = open({ path: dataDir, maxDbs: 8 });
  const docs = env.openDB({ name: 'docs', encoding: 'binary', keyEncoding: 'binary' });
  const meta = env.openDB({ name: 'meta', encoding: 'binary' });
  env.transactionSync(() => {
    for (const { key, value } of [...docs.getRange({})]) {
      const document = deserialize(value as Buffer);
      docs.removeSync(key as Buffer);
      docs.putSync(Buffer.concat([(key as Buffer).subarray(0, 4), encodeKey(document._id)]), value as Buffer);
    }
    const format = Buffer.alloc(4);
    format.writeUInt32BE(6);
    meta.putSync('format', format);
  });
  await env.close();
}
