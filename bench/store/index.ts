import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { open } from 'lmdb';
import { openStore, type AnyBulkWriteOperation, type Db } from '../../src/datasources/store';
import { callShapes } from './callShapes';
import { printResult, startRun } from '../support/runInfo';
import { perSecond, print, startClock, wallRate, type Measure, type Rate } from './clock';

/**
 * Embedded store benchmark. Prints each figure beside the raw LMDB put/get rate measured in the
 * same run (the ceiling any engine on this LMDB can reach on this machine).
 *   npm run bench:store                 full sizes (1,000,000 documents for $group)
 *   BENCH_SCALE=0.1 npm run bench:store a tenth of every size, for a quick look
 */

const scale = Number(process.env.BENCH_SCALE ?? 1);
const sized = (n: number) => Math.max(1000, Math.round(n * scale));

const text = (rate: Rate) => perSecond(rate.count, rate.measure);
const round1 = (value: number) => Math.round(value * 10) / 10;
const round2 = (value: number) => Math.round(value * 100) / 100;

function mb(bytes: number): string {
  return `${(bytes / 1_048_576).toFixed(0)} MB`;
}

/** RSS includes LMDB's memory-mapped pages; the heap (after a GC when --expose-gc) is what JS holds. */
function memory(): string {
  (globalThis as { gc?: () => void }).gc?.();
  const { rss, heapUsed } = process.memoryUsage();
  return `rss ${mb(rss)}, heap ${mb(heapUsed)}`;
}

/** Raw LMDB on this disk: async puts batched per event turn, then random gets. */
async function rawLmdb(dir: string): Promise<{ puts: Rate; gets: Rate }> {
  const env = open({ path: join(dir, 'raw'), maxDbs: 2 });
  const table = env.openDB<Buffer, Buffer>({ name: 'raw', encoding: 'binary', keyEncoding: 'binary' });
  const count = sized(200_000);
  const value = Buffer.alloc(150, 7);
  const key = (i: number) => {
    const buf = Buffer.allocUnsafe(8);
    buf.writeUInt32BE(i, 4);
    buf.writeUInt32BE(0, 0);
    return buf;
  };
  let stop = startClock();
  for (let i = 0; i < count; i += 1000) {
    const writes: Promise<boolean>[] = [];
    for (let j = i; j < Math.min(count, i + 1000); j++) writes.push(table.put(key(j), value));
    await Promise.all(writes);
  }
  const puts = { count, measure: stop() };
  stop = startClock();
  for (let i = 0; i < count; i++) table.get(key((i * 7919) % count));
  const gets = { count, measure: stop() };
  await env.close();
  return { puts, gets };
}

/** Single upserts with $inc/$addToSet/$max on a unique compound index, 500 in flight. */
async function singleUpserts(db: Db): Promise<{ concurrent: Rate; sequential: Rate }> {
  const clicks = db.collection('bench_clicks');
  await clicks.createIndex({ bu: 1, day: 1, url: 1 }, { unique: true });
  const upsert = (i: number) =>
    clicks.updateOne(
      { bu: `bu${i % 4}`, day: i % 30, url: `https://example.org/${i % 5000}` },
      {
        $inc: { clicks: 1 },
        $addToSet: { subscribers: `s${i % 50}` },
        $max: { lastAt: new Date(1_700_000_000_000 + i) },
      },
      { upsert: true },
    );
  const count = sized(60_000);
  // Warm-up (JIT, first inserts) on keys of another business unit, not measured.
  for (let i = 0; i < 5000; i += 500) {
    await Promise.all(
      Array.from({ length: 500 }, (_, j) =>
        clicks.updateOne({ bu: 'warm-up', day: 0, url: `w${i + j}` }, { $inc: { clicks: 1 } }, { upsert: true }),
      ),
    );
  }
  let stop = startClock();
  for (let i = 0; i < count; i += 500) {
    await Promise.all(Array.from({ length: Math.min(500, count - i) }, (_, j) => upsert(i + j)));
  }
  const concurrent = { count, measure: stop() };
  // One at a time: each call waits for its own durable commit (fsync), the latency floor.
  const sequentialCount = 500;
  stop = startClock();
  for (let i = 0; i < sequentialCount; i++) await upsert(i);
  const sequential = { count: sequentialCount, measure: stop() };
  return { concurrent, sequential };
}

/**
 * `bulkWrite` of 1,000 upserts per batch, 1,000,000 operations: a unique single-field index, keys
 * taken in order with repeats (100,000 distinct keys, each written ten times).
 */
async function bulkUpserts(db: Db): Promise<Rate> {
  const totals = db.collection('bench_totals');
  await totals.createIndex({ key: 1 }, { unique: true });
  const batches = Math.max(10, Math.round(1000 * scale));
  const stop = startClock();
  for (let b = 0; b < batches; b++) {
    const operations: AnyBulkWriteOperation[] = [];
    for (let i = 0; i < 1000; i++) {
      const key = `k${(b * 1000 + i) % 100_000}`;
      operations.push({ updateOne: { filter: { key }, update: { $inc: { n: 1 }, $set: { batch: b } }, upsert: true } });
    }
    await totals.bulkWrite(operations, { ordered: false });
  }
  return { count: batches * 1000, measure: stop() };
}

/** A 64-bit pseudo-random hex key from a counter (splitmix64): distinct keys in no order. */
function randomKey(i: number): string {
  let z = BigInt.asUintN(64, BigInt(i + 1) * 0x9e3779b97f4a7c15n);
  z = BigInt.asUintN(64, (z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n);
  z = BigInt.asUintN(64, (z ^ (z >> 27n)) * 0x94d049bb133111ebn);
  return (z ^ (z >> 31n)).toString(16).padStart(16, '0');
}

/**
 * `bulkWrite` of 1,000 upserts per batch, 1,000,000 distinct keys in random order, on a collection
 * with a unique key index and three secondary indexes (a compound, a string and a date one): every
 * upsert inserts, and every index entry lands at a random place in its tree.
 */
async function bulkRandomFourIndexes(db: Db): Promise<Rate> {
  const facts = db.collection('bench_facts');
  await facts.createIndex({ key: 1 }, { unique: true });
  await facts.createIndex({ bu: 1, day: 1 });
  await facts.createIndex({ campaign: 1 });
  await facts.createIndex({ at: 1 });
  const batches = Math.max(10, Math.round(1000 * scale));
  const stop = startClock();
  for (let b = 0; b < batches; b++) {
    const operations: AnyBulkWriteOperation[] = [];
    for (let i = 0; i < 1000; i++) {
      const n = b * 1000 + i;
      const key = randomKey(n);
      operations.push({
        updateOne: {
          filter: { key },
          update: {
            $set: {
              bu: `bu${key.charCodeAt(0) % 8}`,
              day: key.charCodeAt(1) % 30,
              campaign: `c${key.slice(2, 5)}`,
              at: new Date(1_700_000_000_000 + parseInt(key.slice(5, 13), 16)),
            },
            $inc: { n: 1 },
          },
          upsert: true,
        },
      });
    }
    await facts.bulkWrite(operations, { ordered: false });
  }
  return { count: batches * 1000, measure: stop() };
}

async function indexedFindOne(db: Db): Promise<{ p50: number; p99: number; rate: Rate }> {
  const totals = db.collection('bench_totals');
  const samples: number[] = [];
  const count = sized(20_000);
  const stop = startClock();
  for (let i = 0; i < count; i++) {
    const started = process.hrtime.bigint();
    await totals.findOne({ key: `k${(i * 7919) % 100_000}` });
    samples.push(Number(process.hrtime.bigint() - started) / 1000);
  }
  const rate = { count, measure: stop() };
  samples.sort((a, b) => a - b);
  return { p50: samples[Math.floor(count * 0.5)]!, p99: samples[Math.floor(count * 0.99)]!, rate };
}

async function groupOverMany(db: Db): Promise<{ count: number; group: Measure; load: Rate; heapAfter: number }> {
  const events = db.collection('bench_events');
  const count = sized(1_000_000);
  let stop = startClock();
  for (let i = 0; i < count; i += 10_000) {
    const batch = Array.from({ length: Math.min(10_000, count - i) }, (_, j) => ({
      bu: `bu${(i + j) % 8}`,
      n: (i + j) % 100,
      at: new Date(1_700_000_000_000 + i + j),
    }));
    await events.insertMany(batch);
  }
  const load = { count, measure: stop() };
  stop = startClock();
  const groups = await events
    .aggregate([{ $group: { _id: '$bu', total: { $sum: '$n' }, count: { $sum: 1 } } }])
    .toArray();
  const group = stop();
  if (groups.length !== 8 || groups.reduce((sum, g) => sum + (g.count as number), 0) !== count)
    throw new Error('wrong $group result');
  return { count, group, load, heapAfter: process.memoryUsage().heapUsed };
}

async function main(): Promise<void> {
  startRun();
  const dir = mkdtempSync(join(tmpdir(), 'bench-store-'));
  let figures: Record<string, number>;
  try {
    console.log(`store benchmark, scale ${scale}, data in ${dir}; start: ${memory()}`);
    const raw = await rawLmdb(dir);
    print('raw LMDB put (batched, durable)', text(raw.puts), 'ceiling');
    print('raw LMDB get (random)', text(raw.gets), 'ceiling');
    const store = await openStore({ dataDir: join(dir, 'store'), dbName: 'bench' });
    const upserts = await singleUpserts(store.db);
    print('upsert $inc/$addToSet/$max, 500 in flight', text(upserts.concurrent), '>= 30,000/s');
    print('upsert, one at a time (commit each)', text(upserts.sequential), '(latency floor)');
    const bulk = await bulkUpserts(store.db);
    print('bulkWrite upserts, 1,000/batch, keys in order', text(bulk), '>= 100,000/s');
    const bulkRandom = await bulkRandomFourIndexes(store.db);
    print('bulkWrite upserts, random keys, 4 indexes', text(bulkRandom), '(no target yet)');
    const find = await indexedFindOne(store.db);
    print('indexed findOne p50', `${find.p50.toFixed(1)} µs`, '< 50 µs');
    print('indexed findOne p99', `${find.p99.toFixed(1)} µs`, '');
    print('indexed findOne, one after another', text(find.rate), '');
    console.log(`memory after upserts and finds: ${memory()}`);
    const group = await groupOverMany(store.db);
    print(`insertMany load of ${group.count.toLocaleString()} docs`, text(group.load), '');
    print(
      `$group over ${group.count.toLocaleString()} docs`,
      `${group.group.wall.toFixed(2)} s (CPU ${group.group.cpu.toFixed(2)} s)`,
      '< 3 s',
    );
    console.log(`memory after $group: ${memory()} (heap before collection: ${mb(group.heapAfter)})`);
    await store.close();
    console.log("the services' call shapes (bench/store/callShapes.ts):");
    const shapes = await callShapes(dir);
    figures = {
      rawPutsPerSec: wallRate(raw.puts),
      rawGetsPerSec: wallRate(raw.gets),
      singleUpsertsPerSec: wallRate(upserts.concurrent),
      sequentialUpsertsPerSec: wallRate(upserts.sequential),
      bulkPerSec: wallRate(bulk),
      bulkRandomFourIndexesPerSec: wallRate(bulkRandom),
      findByIndexPerSec: wallRate(find.rate),
      findOneP50Us: round1(find.p50),
      findOneP99Us: round1(find.p99),
      insertManyPerSec: wallRate(group.load),
      groupSeconds: round2(group.group.wall),
      groupCpuSeconds: round2(group.group.cpu),
      ...shapes,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  printResult(figures);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
