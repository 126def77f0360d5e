import { Binary, Decimal128, ObjectId, UUID } from 'bson';
import { MongoBulkWriteError, MongoServerError } from 'mongodb';
import { readdirSync, readFileSync } from 'node:fs';
import type { Store, TransactionThread } from '../../../src/datasources/store';
import { WRITER_NICE } from '../../../src/datasources/store/embedded/writerThread';
import { openTestStore } from '../../support/store';

interface Event {
  _id: number;
  campaign: string;
  day: string;
  link: string;
  text: string;
}

const events = (count: number, from = 0): Event[] =>
  Array.from({ length: count }, (_, i) => ({
    _id: from + i,
    campaign: `c${(from + i) % 97}`,
    day: `2026-12-${String(((from + i) % 28) + 1).padStart(2, '0')}`,
    link: `https://example.com/${(from + i) % 1013}`,
    text: 'x'.repeat(300),
  }));

/**
 * Writes a large transaction and ticks the event loop meanwhile: answers the longest gap between
 * two ticks from the call (once it is encoded and sent) to its answer, and how long the
 * transaction held its thread.
 */
async function tickThroughWrite(store: Store): Promise<{ longestGapMs: number; heldMs: number; thread: string }> {
  const collection = store.db.collection<Event>('events');
  await collection.createIndexes([{ key: { campaign: 1, day: 1 } }, { key: { link: 1 } }, { key: { day: 1, _id: 1 } }]);
  const held: { ms: number; thread: TransactionThread }[] = [];
  const stop = store.onTransactionHeld!((ms, _collection, thread) => held.push({ ms, thread }));
  const written = collection.insertMany(events(40_000));
  let last = performance.now();
  let longestGapMs = 0;
  let writing = true;
  const tick = () => {
    const now = performance.now();
    longestGapMs = Math.max(longestGapMs, now - last);
    last = now;
    if (writing) setImmediate(tick);
  };
  setImmediate(tick);
  try {
    await written;
  } finally {
    writing = false;
    stop();
  }
  const heaviest = held.reduce((a, b) => (b.ms > a.ms ? b : a));
  return { longestGapMs, heldMs: heaviest.ms, thread: heaviest.thread };
}

describe("the embedded store's writer thread", () => {
  let store: Store | undefined;

  afterEach(async () => {
    await store?.close();
    store = undefined;
  });

  it('runs write transactions off the event loop, which goes on turning while one works', async () => {
    store = await openTestStore({ writerThread: true });
    const { longestGapMs, heldMs, thread } = await tickThroughWrite(store);
    expect(thread).toBe('writer');
    expect(longestGapMs).toBeLessThan(heldMs);
    expect(await store.db.collection('events').countDocuments({ campaign: 'c5' })).toBe(413);
  });

  it('without it, a write transaction holds the event loop for all its work', async () => {
    store = await openTestStore({ writerThread: false });
    const { longestGapMs, heldMs, thread } = await tickThroughWrite(store);
    expect(thread).toBe('main');
    expect(longestGapMs).toBeGreaterThanOrEqual(heldMs);
  });

  it('runs at a lower priority than the thread that answers requests (Linux)', async () => {
    store = await openTestStore({ writerThread: true });
    await store.db.collection('notes').insertOne({ n: 1 });
    const niceOf = (stat: string) => Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
    const threads = readdirSync('/proc/self/task').map((task) =>
      niceOf(readFileSync(`/proc/self/task/${task}/stat`, 'utf8')),
    );
    expect(niceOf(readFileSync('/proc/thread-self/stat', 'utf8'))).toBe(0);
    expect(threads).toContain(WRITER_NICE);
  });

  it('carries values of every BSON type both ways, and leaves unset options unset', async () => {
    store = await openTestStore({ writerThread: true });
    const values = store.db.collection('values');
    const document = {
      _id: new ObjectId(),
      uuid: new UUID(),
      bytes: new Binary(Buffer.from([1, 2, 3]), 0x80),
      price: Decimal128.fromString('19.99'),
      at: new Date('2026-12-04T12:00:00Z'),
      nested: { list: [1, 'two', null, { three: 3 }] },
    };
    await values.insertOne(document);
    expect(await values.findOne({ _id: document._id })).toEqual(document);
    const after = await values.findOneAndUpdate(
      { uuid: document.uuid },
      { $set: { seen: true }, $inc: { count: 1 } },
      { returnDocument: 'after', upsert: undefined, sort: undefined },
    );
    expect(after).toEqual({ ...document, seen: true, count: 1 });
    const upserted = await values.updateOne({ _id: null } as never, { $set: { kept: 'a null _id' } }, { upsert: true });
    expect(upserted.upsertedId).toBeNull();
    expect(upserted.upsertedCount).toBe(1);
  });

  it("brings the driver's errors back whole", async () => {
    store = await openTestStore({ writerThread: true });
    const people = store.db.collection<{ _id?: ObjectId; email: string }>('people');
    await people.createIndex({ email: 1 }, { unique: true });
    await people.insertOne({ email: 'ana@example.com' });
    const duplicate = await people.insertOne({ email: 'ana@example.com' }).catch((error: unknown) => error);
    expect(duplicate).toBeInstanceOf(MongoServerError);
    expect(duplicate).toMatchObject({ code: 11000, codeName: 'DuplicateKey', keyValue: { email: 'ana@example.com' } });

    const bulk = await people
      .insertMany([{ email: 'ana@example.com' }, { email: 'bo@example.com' }, { email: 'bo@example.com' }], {
        ordered: false,
      })
      .catch((error: unknown) => error);
    expect(bulk).toBeInstanceOf(MongoBulkWriteError);
    const failed = bulk as MongoBulkWriteError;
    expect(failed.writeErrors).toHaveLength(2);
    expect(failed.result.insertedCount).toBe(1);
    expect(await people.countDocuments({})).toBe(2);

    const badUpdate = await people.updateOne({}, { $inc: { email: 1 } } as never).catch((error: unknown) => error);
    expect(badUpdate).toBeInstanceOf(MongoServerError);
    expect((badUpdate as MongoServerError).code).toBe(14);
  });

  it('writes a call larger than one BSON buffer', async () => {
    store = await openTestStore({ writerThread: true });
    const big = store.db.collection<{ _id: number; text: string }>('big');
    const documents = Array.from({ length: 40 }, (_, i) => ({ _id: i, text: String(i).repeat(500_000) }));
    const result = await big.insertMany(documents);
    expect(result.insertedCount).toBe(40);
    expect((await big.findOne({ _id: 39 }))?.text).toHaveLength(1_000_000);
  });

  it('shares one commit among the calls of one event turn, and answers each after it', async () => {
    store = await openTestStore({ writerThread: true });
    const held: string[] = [];
    store.onTransactionHeld!((_ms, collection) => held.push(collection));
    const a = store.db.collection('a');
    const b = store.db.collection('b');
    const answers = await Promise.all([a.insertOne({ n: 1 }), b.insertOne({ n: 2 }), a.deleteMany({ n: 9 })]);
    expect(answers.map((answer) => answer.acknowledged)).toEqual([true, true, true]);
    expect(held).toHaveLength(1);
    expect(await b.countDocuments({ n: 2 })).toBe(1);
  });

  it('commits what was sent before a close, and refuses writes after it', async () => {
    const opened = await openTestStore({ writerThread: true });
    const notes = opened.db.collection('notes');
    const written = notes.insertMany(Array.from({ length: 500 }, (_, n) => ({ n })));
    await opened.close();
    expect((await written).insertedCount).toBe(500);
    await expect(notes.insertOne({ n: 1 })).rejects.toThrow('the store is closed');
  });
});
