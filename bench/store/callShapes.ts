import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ObjectId, type Db } from '../../src/datasources/store';
import { openStore } from '../../src/datasources/store';
import { declaredIndexes } from '../../src/features';

const indexes = declaredIndexes();
import { CLICK_LOG } from '../../src/datasources/sfmc/local/localClickLog';
import { C } from '../../src/services/campaigns/model';
import { printResult, startRun } from '../support/runInfo';
import { printFigure, startClock, wallRate, type Rate } from './clock';

/**
 * The store calls the services make most, each in the shape they make it, so the engine's cost
 * per call shows beside the service benchmarks that depend on it:
 *   freeze        insertMany of recipients (string _id, the recipients' declared indexes)
 *   import        insertMany of members (generated ObjectId _id, the members' declared indexes)
 *   acknowledge   updateMany of `$set processed` by `_id $in` and unit (click sync's acknowledger)
 *   loader page   find on an index range, sorted, limited, with an inclusion projection
 *   guarded write updateOne by `_id` and a receipt (queue visibility change, dead-lettering)
 *   claim round   updateMany by `_id $in` with a queue and `visibleAt $lte` guard, read-back by
 *                 `_id $in` and receipt, deleteMany by the same (the embedded queue's round)
 *   watched       insertMany of 100 messages followed by a change stream with a pipeline
 *                 (the shape the queue's send watcher had, and subscriptions have)
 *   watcher       insertMany into one collection while a change stream watches another
 * Run alone: node -r @swc-node/register bench/store/callShapes.ts
 */

const scale = Number(process.env.BENCH_SCALE ?? 1);
const sized = (n: number) => Math.max(1000, Math.round(n * scale));

async function freezeInserts(db: Db): Promise<Rate> {
  const recipients = db.collection<{ _id: string; [field: string]: unknown }>('shape_recipients');
  // the recipients' own indexes, as the service declares them
  for (const { key, options } of indexes.filter((index) => index.collection === C.recipients))
    await recipients.createIndex(key, options);
  const count = sized(100_000);
  const stop = startClock();
  for (let i = 0; i < count; i += 1000) {
    const batch = Array.from({ length: 1000 }, (_, j) => {
      const member = `m${String(i + j).padStart(8, '0')}`;
      return {
        _id: `c1:${member}`,
        campaignId: 'c1',
        memberId: member,
        status: 'PENDING',
        opened: false,
        clicked: false,
        converted: false,
      };
    });
    await recipients.insertMany(batch, { ordered: false });
  }
  return { count, measure: stop() };
}

async function importInserts(db: Db): Promise<Rate> {
  const members = db.collection('shape_members');
  // the members' own indexes, as the service declares them
  for (const { key, options } of indexes.filter((index) => index.collection === C.members))
    await members.createIndex(key, options);
  const count = sized(100_000);
  const stop = startClock();
  for (let i = 0; i < count; i += 1000) {
    const batch = Array.from({ length: 1000 }, (_, j) => ({
      email: `p${i + j}@example.org`,
      name: `Person ${i + j}`,
      contact: null,
      attributes: { city: 'Lyon' },
      archivedAt: null,
      createdAt: new Date(),
    }));
    await members.insertMany(batch, { ordered: false });
  }
  return { count, measure: stop() };
}

/** Source rows as the local click log keeps them; answers their ids in page order. */
async function fillClickLog(db: Db, count: number): Promise<ObjectId[]> {
  const log = db.collection('shape_click_log');
  // the local click log's own index, as the service declares it
  const declared = indexes.find((index) => index.collection === CLICK_LOG)!;
  await log.createIndex(declared.key, declared.options);
  const ids: ObjectId[] = [];
  for (let i = 0; i < count; i += 1000) {
    const batch = Array.from({ length: 1000 }, (_, j) => {
      const _id = new ObjectId();
      ids.push(_id);
      const values = {
        JobID: String(i % 97),
        SubscriberKey: `s${i + j}`,
        EventDate: '3/8/2026 1:30:00 AM',
        URL: `https://example.org/${j % 50}`,
        IsUnique: 'True',
      };
      return {
        _id,
        bu: 'BU1',
        values,
        processed: false,
        pos: `2026-03-08T07:30:00.000Z#${_id.toHexString()}`,
        importedAt: new Date(),
      };
    });
    await log.insertMany(batch, { ordered: false });
  }
  return ids;
}

async function loaderPages(db: Db, count: number): Promise<Rate> {
  const log = db.collection('shape_click_log');
  const stop = startClock();
  let after = '';
  let read = 0;
  for (;;) {
    const page = await log
      .find(
        { bu: 'BU1', processed: false, pos: { $gt: after } },
        { sort: { pos: 1 }, limit: 1000, projection: { values: 1, pos: 1 } },
      )
      .toArray();
    read += page.length;
    if (page.length < 1000) break;
    after = page.at(-1)!.pos as string;
  }
  if (read !== count) throw new Error(`loader read ${read} of ${count}`);
  return { count: read, measure: stop() };
}

async function acknowledge(db: Db, ids: ObjectId[]): Promise<Rate> {
  const log = db.collection('shape_click_log');
  const stop = startClock();
  // as the local click log acknowledges: one updateMany per batch of row ids, scoped to the unit
  for (let i = 0; i < ids.length; i += 1000) {
    await log.updateMany({ _id: { $in: ids.slice(i, i + 1000) }, bu: 'BU1' }, { $set: { processed: true } });
  }
  return { count: ids.length, measure: stop() };
}

async function fillQueue(db: Db, count: number): Promise<string[]> {
  const messages = db.collection<{ _id: string }>('shape_queue');
  await messages.createIndex({ queue: 1, visibleAt: 1 });
  await messages.createIndex({ queue: 1, _id: 1 });
  await messages.createIndex({ queue: 1, groupId: 1, _id: 1 });
  const ids: string[] = [];
  const sentAt = new Date(Date.now() - 1000);
  for (let i = 0; i < count; i += 1000) {
    const batch = Array.from({ length: 1000 }, () => {
      const _id = new ObjectId().toHexString();
      ids.push(_id);
      return { _id, queue: 'q', body: '{"rows":[]}', sentAt, visibleAt: sentAt, receiveCount: 0 };
    });
    await messages.insertMany(batch);
  }
  return ids;
}

async function guardedWrites(db: Db, ids: string[]): Promise<Rate> {
  const messages = db.collection<{ _id: string }>('shape_queue');
  const stop = startClock();
  for (let i = 0; i < ids.length; i += 500) {
    await Promise.all(
      ids
        .slice(i, i + 500)
        .map((_id) =>
          messages.updateOne({ _id, queue: 'q', receipt: { $exists: false } }, { $set: { sentAt: new Date() } }),
        ),
    );
  }
  return { count: ids.length, measure: stop() };
}

/** Claim rounds of 100 messages, as the embedded queue makes them; answers messages per second. */
async function claimRounds(db: Db, ids: string[]): Promise<Rate> {
  const messages = db.collection<{ _id: string }>('shape_queue');
  const stop = startClock();
  for (let i = 0; i < ids.length; i += 100) {
    const round = ids.slice(i, i + 100);
    const now = new Date();
    const receipt = `r${i}`;
    const due = { queue: 'q', visibleAt: { $lte: now } };
    const { modifiedCount } = await messages.updateMany(
      { _id: { $in: round }, ...due },
      { $set: { visibleAt: new Date(now.getTime() + 30_000), receipt }, $inc: { receiveCount: 1 } },
    );
    const claimed = await messages.find({ _id: { $in: round }, receipt }, { sort: { _id: 1 } }).toArray();
    const { deletedCount } = await messages.deleteMany({ _id: { $in: round }, queue: 'q', receipt });
    if (modifiedCount !== round.length || claimed.length !== round.length || deletedCount !== round.length)
      throw new Error('claim round lost messages');
  }
  return { count: ids.length, measure: stop() };
}

async function watchedElsewhere(db: Db): Promise<Rate> {
  const stream = db
    .collection('shape_queue')
    .watch([{ $match: { operationType: 'insert' } }, { $project: { 'fullDocument.queue': 1 } }]);
  let seen = 0;
  stream.on('change', () => seen++);
  const other = db.collection('shape_other');
  const count = sized(100_000);
  const stop = startClock();
  for (let i = 0; i < count; i += 1000) {
    await other.insertMany(
      Array.from({ length: 1000 }, (_, j) => ({ n: i + j, label: `row ${i + j}`, at: new Date() })),
    );
    // Let the watcher drain this commit, as it would between a service's calls.
    await new Promise((resolve) => setImmediate(resolve));
  }
  const measure = stop();
  await stream.close();
  if (seen !== 0) throw new Error('the watcher saw another collection');
  return { count, measure };
}

/** Inserts followed by a change stream with a pipeline ($match on the operation, $project), as subscriptions watch. */
async function watchedInserts(db: Db): Promise<Rate> {
  const watched = db.collection('shape_watched');
  const stream = watched.watch([{ $match: { operationType: 'insert' } }, { $project: { 'fullDocument.queue': 1 } }]);
  let seen = 0;
  stream.on('change', () => seen++);
  const count = sized(50_000);
  const stop = startClock();
  for (let i = 0; i < count; i += 100) {
    const sentAt = new Date();
    await watched.insertMany(
      Array.from({ length: 100 }, () => ({
        queue: 'clicks-to-process',
        body: '{"rows":[]}',
        sentAt,
        visibleAt: sentAt,
        receiveCount: 0,
      })),
    );
  }
  while (seen < count) await new Promise((resolve) => setTimeout(resolve, 1));
  const measure = stop();
  await stream.close();
  return { count, measure };
}

/** Prints each call shape's figure; returns them per wall second, keyed for the JSON line. */
export async function callShapes(dir: string): Promise<Record<string, number>> {
  const store = await openStore({ dataDir: join(dir, 'shapes'), dbName: 'bench' });
  const figures: Record<string, number> = {};
  const figure = (key: string, label: string, rate: Rate, feeds: string) => {
    printFigure(label, rate, feeds);
    figures[key] = wallRate(rate);
  };
  try {
    const { db } = store;
    figure(
      'freezeInsertsPerSec',
      'freeze: insertMany recipients, their indexes',
      await freezeInserts(db),
      'docs; audience freeze (issue 8)',
    );
    figure(
      'importInsertsPerSec',
      'import: insertMany members, their indexes',
      await importInserts(db),
      'docs; member import (issue 8)',
    );
    const rows = sized(100_000);
    const ids = await fillClickLog(db, rows);
    figure(
      'loaderPagesPerSec',
      'loader: find range, sort, limit, projection',
      await loaderPages(db, rows),
      'rows; click loader (issue 6)',
    );
    figure(
      'acknowledgePerSec',
      'acknowledge: updateMany $set by _id $in',
      await acknowledge(db, ids),
      'rows; click acknowledger (issue 6)',
    );
    const messageIds = await fillQueue(db, sized(50_000));
    figure(
      'guardedWritesPerSec',
      'guarded updateOne by _id + conditions',
      await guardedWrites(db, messageIds),
      'calls; queue visibility (issue 4)',
    );
    figure(
      'claimRoundsPerSec',
      'claim round: updateMany/find/deleteMany $in',
      await claimRounds(db, messageIds),
      'messages; queue receive+delete (issue 4)',
    );
    figure(
      'watchedInsertsPerSec',
      'insertMany of 100, watched ($match, $project)',
      await watchedInserts(db),
      'docs; writes under a filtered watcher',
    );
    figure(
      'watchedElsewherePerSec',
      'insertMany, watcher on another collection',
      await watchedElsewhere(db),
      'docs; every write beside a watcher',
    );
  } finally {
    await store.close();
  }
  return figures;
}

if (require.main === module) {
  const dir = mkdtempSync(join(tmpdir(), 'bench-shapes-'));
  startRun();
  callShapes(dir)
    .then(printResult)
    .catch((error) => {
      console.error(error);
      process.exitCode = 1;
    })
    .finally(() => rmSync(dir, { recursive: true, force: true }));
}
