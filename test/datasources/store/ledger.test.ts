import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type Store } from '../../../src/datasources/store';

describe("the embedded store's ledger", () => {
  let dir: string;
  let store: Store | undefined;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ledger-'));
  });

  afterEach(async () => {
    await store?.close();
    store = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  async function insertAndUpdate(opened: Store): Promise<void> {
    const events = opened.db.collection<{ _id: string; n: number }>('events');
    await events.bulkWrite([
      { insertOne: { document: { _id: 'a', n: 1 } } },
      { insertOne: { document: { _id: 'b', n: 2 } } },
    ]);
    await events.updateOne({ _id: 'a' }, { $inc: { n: 1 } });
  }

  it('counts puts per table, commits and the time write transactions held the main thread', async () => {
    store = await openStore({ dataDir: dir, dbName: 'ledger', ledger: true });
    store.ledger!.take();
    await insertAndUpdate(store);
    const counts = store.ledger!.take();
    expect(counts.commits).toBe(2);
    expect(counts.tables.docs.puts).toBe(3);
    expect(counts.tables.docs.bytesPut).toBeGreaterThan(0);
    expect(Object.keys(counts.transactionMicros)).toEqual(['events']);
  });

  it("'transactions' counts commits and transaction time and leaves the tables' methods alone", async () => {
    store = await openStore({ dataDir: dir, dbName: 'ledger', ledger: 'transactions' });
    store.ledger!.take();
    await insertAndUpdate(store);
    const counts = store.ledger!.take();
    expect(counts.commits).toBe(2);
    expect(counts.tables.docs.puts).toBe(0);
    expect(counts.transactionMicros.events).toBeGreaterThan(0);
    expect(await store.db.collection('events').findOne({ _id: 'a' } as never)).toEqual({ _id: 'a', n: 2 });
  });

  it('tells listeners how long each write transaction held the main thread, by its longest write', async () => {
    store = await openStore({ dataDir: dir, dbName: 'ledger', writerThread: false });
    const held: { ms: number; collection: string }[] = [];
    const stop = store.onTransactionHeld!((ms, collection) => held.push({ ms, collection }));
    const events = store.db.collection<{ _id: number; text: string }>('events');
    const notes = store.db.collection<{ _id: string }>('notes');
    // One turn: both calls share a transaction, whose longest write is the 2,000 documents.
    await Promise.all([
      notes.insertOne({ _id: 'one' }),
      events.insertMany(Array.from({ length: 2000 }, (_, i) => ({ _id: i, text: 'x'.repeat(200) }))),
    ]);
    expect(held).toHaveLength(1);
    expect(held[0]!.collection).toBe('events');
    expect(held[0]!.ms).toBeGreaterThan(0);
    stop();
    await notes.insertOne({ _id: 'two' });
    expect(held).toHaveLength(1);
  });
});
