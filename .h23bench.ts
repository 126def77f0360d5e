import { performance } from 'node:perf_hooks';
const root = process.argv[2]!;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { openTestStore } = require(`${root}/test/support/store`);
async function main() {
  const store = await openTestStore();
  const c = store.db.collection('bench');
  await c.createIndex({ bu: 1, day: 1 }, { unique: true });
  const N = 20000;
  await c.insertMany(Array.from({ length: N }, (_, i) => ({ _id: `k${i}`, bu: `b${i % 50}`, day: i, n: 0, status: i % 3 ? 'A' : 'B' })));
  const time = async (label: string, f: (i: number) => Promise<unknown>, n = N) => {
    for (let i = 0; i < 2000; i++) await f(i);
    const t = performance.now();
    const batch: Promise<unknown>[] = [];
    for (let i = 0; i < n; i++) { batch.push(f(i)); if (batch.length === 500) { await Promise.all(batch); batch.length = 0; } }
    await Promise.all(batch);
    const ms = performance.now() - t;
    console.log(label.padEnd(30), (n / ms * 1000).toFixed(0), 'ops/s');
  };
  await time('findOne by _id', (i) => c.findOne({ _id: `k${i}` }));
  await time('find by index + projection', (i) => c.find({ bu: `b${i % 50}`, day: i }, { projection: { n: 1 } }).toArray());
  await time('updateOne upsert $inc', (i) => c.updateOne({ bu: `b${i % 50}`, day: i }, { $inc: { n: 1 } }, { upsert: true }));
  await time('countDocuments status', (i) => c.countDocuments({ status: 'B', day: { $lt: 100 + (i % 5) } }), 2000);
  await time('bulkWrite 100 upserts', (i) => c.bulkWrite(Array.from({ length: 100 }, (_, j) => ({ updateOne: { filter: { _id: `k${(i * 100 + j) % N}` }, update: { $set: { n: i } }, upsert: true } }))), 500);
  await store.close();
}
main();
