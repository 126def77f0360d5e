import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { openStore, type Document, type Store } from '../../../src/datasources/store';

/**
 * Properties only the embedded engine has to prove itself (MongoDB has them by construction):
 * durability across kill -9, several processes on one data directory, TTL sweeping, oplog trim.
 */

const repoRoot = resolve(__dirname, '../../..');
const workerScript = join(__dirname, 'fixtures/storeWorker.ts');

function startWorker(
  dataDir: string,
  ...args: string[]
): { child: ChildProcess; lines: AsyncIterableIterator<string> } {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', workerScript, dataDir, ...args], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  return { child, lines };
}

async function lastLine(lines: AsyncIterableIterator<string>): Promise<string> {
  let last = '';
  for await (const line of lines) last = line;
  return last;
}

describe('embedded store engine', () => {
  let dataDir: string;
  const opened: Store[] = [];
  const open = async (options = {}) => {
    const store = await openStore({ dataDir, dbName: 'test', watchPollMs: 10, ttlIntervalMs: 200, ...options });
    opened.push(store);
    return store;
  };

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'store-embedded-'));
  });

  afterEach(async () => {
    for (const store of opened.splice(0)) await store.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('keeps every write that returned when the writing process is killed with SIGKILL', async () => {
    const { child, lines } = startWorker(dataDir, 'write', '100000');
    let acked = -1;
    for await (const line of lines) {
      acked = Number(line.split(' ')[1]);
      if (acked >= 150) break;
    }
    child.kill('SIGKILL');
    await new Promise((done) => child.once('exit', done));
    const store = await open();
    const durable = store.db.collection('durable');
    const count = await durable.countDocuments({ n: { $exists: true } });
    // Every acknowledged insert is there (the child may have gone on a little before the kill),
    // and what is there is a gap-free prefix, as sequential writes must leave it.
    expect(count).toBeGreaterThanOrEqual(acked + 1);
    const highest = await durable
      .find({ n: { $exists: true } })
      .sort({ n: -1 })
      .limit(1)
      .next();
    expect(highest!.n).toBe(count - 1);
    const counter = await durable.findOne({ counter: 'writes' });
    expect(counter!.value).toBeGreaterThanOrEqual(acked + 1);
  });

  it('shows one process the writes of another through change streams', async () => {
    const store = await open();
    const stream = store.db
      .collection('durable')
      .watch([{ $match: { operationType: 'insert', 'fullDocument.n': { $exists: true } } }]);
    const { child } = startWorker(dataDir, 'write', '5');
    const seen: number[] = [];
    while (seen.length < 5) {
      const event = (await stream.next()) as Document;
      seen.push(event.fullDocument.n);
    }
    child.kill('SIGKILL');
    await stream.close();
    expect(seen).toEqual([0, 1, 2, 3, 4]);
  });

  it('keeps claims atomic and unique indexes enforced across processes', async () => {
    const store = await open();
    const jobs = store.db.collection('jobs');
    await jobs.insertMany(Array.from({ length: 300 }, (_, i) => ({ _id: i, status: 'QUEUED', at: i })) as never[]);
    await store.db.collection('keys').createIndex({ key: 1 }, { unique: true });
    const claimers = [startWorker(dataDir, 'claim'), startWorker(dataDir, 'claim')];
    const inserters = [startWorker(dataDir, 'unique', '200'), startWorker(dataDir, 'unique', '200')];
    const [claimedA, claimedB] = (await Promise.all(claimers.map(({ lines }) => lastLine(lines)))).map(
      (line) => JSON.parse(line) as number[],
    );
    const [wonA, wonB] = (await Promise.all(inserters.map(({ lines }) => lastLine(lines)))).map(
      (line) => JSON.parse(line) as number[],
    );
    expect(claimedA!.length + claimedB!.length).toBe(300);
    expect(new Set([...claimedA!, ...claimedB!]).size).toBe(300);
    expect(wonA!.length + wonB!.length).toBe(200);
    expect(new Set([...wonA!, ...wonB!]).size).toBe(200);
    expect(await store.db.collection('keys').countDocuments()).toBe(200);
  });

  it('sweeps documents past their TTL, as MongoDB TTL indexes do', async () => {
    const store = await open();
    const sessions = store.db.collection('sessions');
    await sessions.createIndex({ lastSeen: 1 }, { expireAfterSeconds: 60 });
    const now = Date.now();
    await sessions.insertMany([
      { name: 'stale', lastSeen: new Date(now - 120_000) },
      { name: 'stale-array', lastSeen: [new Date(now - 120_000), new Date(now + 3_600_000)] },
      { name: 'fresh', lastSeen: new Date(now) },
      { name: 'not-a-date', lastSeen: 'yesterday' },
    ]);
    for (let attempt = 0; attempt < 50 && (await sessions.countDocuments()) > 2; attempt++) {
      await new Promise((done) => setTimeout(done, 100));
    }
    expect((await sessions.find({}).sort({ name: 1 }).toArray()).map((d) => d.name)).toEqual(['fresh', 'not-a-date']);
  });

  it('trims the oplog by age: resuming before the kept history fails clearly', async () => {
    const store = await open({ oplogRetentionMs: 1 });
    const notes = store.db.collection('notes');
    const stream = notes.watch();
    await notes.insertOne({ n: 1 });
    await stream.next();
    const token = stream.resumeToken;
    await stream.close();
    await notes.insertMany([{ n: 2 }, { n: 3 }]);
    for (let attempt = 0; attempt < 50; attempt++) {
      try {
        notes.watch([], { resumeAfter: token });
      } catch (error) {
        expect((error as { code: number }).code).toBe(286);
        return;
      }
      await new Promise((done) => setTimeout(done, 100));
    }
    throw new Error('the oplog was never trimmed');
  });

  it('refuses collation fields and strengths it does not implement, which would change results', async () => {
    const store = await open();
    const names = store.db.collection('names');
    // The port offers locale and strength 1-3 only: these are the driver's options, passed anyway.
    const caseLevel: Document = { collation: { locale: 'en', strength: 2, caseLevel: true } };
    const quaternary: Document = { collation: { locale: 'en', strength: 4 } };
    expect(() => names.find({ name: 'a' }, caseLevel)).toThrow(/collation/);
    expect(() => names.aggregate([], quaternary)).toThrow(/collation/);
  });

  it('caps the oplog at its maximum number of entries, keeping the newest', async () => {
    const store = await open({ oplogMaxEntries: 5 });
    const notes = store.db.collection('capped');
    const stream = notes.watch();
    await notes.insertOne({ n: 0 });
    await stream.next();
    const oldest = stream.resumeToken;
    await notes.insertMany(Array.from({ length: 20 }, (_, i) => ({ n: i + 1 })));
    for (let i = 0; i < 16; i++) await stream.next();
    const recent = stream.resumeToken;
    await stream.close();
    let trimmed = false;
    for (let attempt = 0; attempt < 50 && !trimmed; attempt++) {
      try {
        await notes.watch([], { resumeAfter: oldest }).close();
        await new Promise((done) => setTimeout(done, 100));
      } catch (error) {
        expect((error as { code: number }).code).toBe(286);
        trimmed = true;
      }
    }
    expect(trimmed).toBe(true);
    const resumed = notes.watch([], { resumeAfter: recent });
    const next = (await resumed.next()) as Document;
    await resumed.close();
    expect(next.fullDocument.n).toBe(17);
  });
});
