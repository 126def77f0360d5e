import { randomUUID } from 'node:crypto';
import { RecordLease } from '../../src/services/uploads/importLease';
import { LAKE_MERGES, type LakeMergeDoc } from '../../src/services/fans/lake/lakeModel';
import { parseLakePrefix } from '../../src/services/fans/lake/lakePrefix';
import { planMerge } from '../../src/services/fans/lake/mergePlan';
import { stageMerge } from '../../src/services/fans/lake/mergeStage';
import {
  CrashingObjects,
  expectNoDuplicates,
  fansUnder,
  keysUnder,
  openLake,
  registrations,
  writeLoose,
  type TestLake,
} from './lakeSupport';

/**
 * kill -9 at every step of a merge, then a rerun: the object writes are where a crash can fall
 * between (each crash point below is one write of a clean run: the staged file, then a copy and
 * a delete per input, then the publish's copy and delete), and the store writes between them.
 * After any crash no reader sees a record twice; after the rerun every record is exactly once
 * in the live prefix and exactly once among the archived originals.
 */

const DAY = '2025/03/04';
const MONTH = '2025/03';

async function fillDay(lake: TestLake): Promise<string[]> {
  await writeLoose(lake.objects, DAY, 'batch-a', registrations(DAY, 7, 0));
  await writeLoose(lake.objects, DAY, 'batch-b', registrations(DAY, 11, 100));
  await writeLoose(lake.objects, DAY, 'batch-c', registrations(DAY, 13, 200));
  return fansUnder(lake.objects, 'avro/registration/');
}

/** Two days merged daily, and a third day's loose files: what the monthly merge finds. */
async function fillMonth(lake: TestLake): Promise<string[]> {
  for (const [day, from] of [
    ['2025/03/01', 0],
    ['2025/03/02', 100],
  ] as const) {
    await writeLoose(lake.objects, day, 'batch-a', registrations(day, 5, from));
    await writeLoose(lake.objects, day, 'batch-b', registrations(day, 6, from + 50));
    const daily = await lake.merges.mergePrefix('registration', parseLakePrefix(day));
    await lake.merges.finish(daily.mergeId!);
  }
  await writeLoose(lake.objects, '2025/03/03', 'batch-a', registrations('2025/03/03', 9, 300));
  return fansUnder(lake.objects, 'avro/registration/');
}

/** A merge run to the end (the job, then its move job) on `objects`. */
async function runMerge(lake: TestLake, objects: CrashingObjects | TestLake['objects'], prefix: string) {
  const merges = lake.mergesOn(objects);
  const outcome = await merges.mergePrefix('registration', parseLakePrefix(prefix));
  if (outcome.mergeId) await merges.finish(outcome.mergeId);
}

async function expectExactlyOnce(lake: TestLake, expected: string[]) {
  expect(await fansUnder(lake.objects, 'avro/registration/')).toEqual(expected);
  expect(
    await fansUnder(lake.objects, 'avro/archived/registration/', 'avro/archived/registration/superseded/'),
  ).toEqual(expected);
  expect(await keysUnder(lake.objects, 'avro-staging/')).toEqual([]);
  expect((await lake.manifests()).every((merge) => merge.state === 'DONE' && !merge.open)).toBe(true);
}

async function writesOfCleanRun(fill: (lake: TestLake) => Promise<unknown>, prefix: string): Promise<number> {
  const lake = await openLake();
  try {
    await fill(lake);
    const counting = new CrashingObjects(lake.objects, Number.POSITIVE_INFINITY);
    await runMerge(lake, counting, prefix);
    return counting.writes;
  } finally {
    await lake.close();
  }
}

describe.each([
  { merge: 'a day of loose files', fill: fillDay, prefix: DAY },
  { merge: 'a month of daily merged files and loose files', fill: fillMonth, prefix: MONTH },
])('kill -9 during the merge of $merge', ({ fill, prefix }) => {
  test('every crash point, then a rerun: each record once live and once archived', async () => {
    const writes = await writesOfCleanRun(fill, prefix);
    expect(writes).toBeGreaterThanOrEqual(7);
    for (let crashAt = 1; crashAt <= writes; crashAt += 1) {
      const lake = await openLake();
      try {
        const expected = await fill(lake);
        const crashing = new CrashingObjects(lake.objects, crashAt);
        await expect(runMerge(lake, crashing, prefix)).rejects.toThrow('killed');
        await lake.killHolders();
        // while the merge is unfinished, readers of the prefix may miss records, never see one twice
        expectNoDuplicates(await fansUnder(lake.objects, 'avro/registration/'));

        await runMerge(lake, lake.objects, prefix);
        await expectExactlyOnce(lake, expected);
        const merged = (await lake.manifests()).filter((merge) => merge.prefix === prefix);
        expect(merged).toHaveLength(1);
      } finally {
        await lake.close();
      }
    }
  });
});

describe('kill -9 between a write and the manifest update that records it', () => {
  let lake: TestLake;
  beforeEach(async () => {
    lake = await openLake();
  });
  afterEach(() => lake.close());

  const plan = async () => {
    const mergeId = randomUUID();
    const lease = new RecordLease(lake.db.collection<LakeMergeDoc>(LAKE_MERGES), mergeId, {
      heartbeatMs: 60_000,
      staleAfterMs: 60_000,
    });
    const planned = await planMerge(lake, 'registration', parseLakePrefix(DAY), {
      mergeId,
      jobId: null,
      lease: lease.fields(),
    });
    if (!('merge' in planned)) throw new Error('expected a merge');
    return planned.merge;
  };

  test('planned only: the rerun stages and finishes that merge, then finds the prefix merged', async () => {
    const expected = await fillDay(lake);
    const planned = await plan();
    await lake.killHolders();

    const outcome = await lake.merges.mergePrefix('registration', parseLakePrefix(DAY));
    expect(outcome).toMatchObject({ finished: [planned._id], mergeId: null, nothing: 'the prefix is already merged' });
    await expectExactlyOnce(lake, expected);
    expect(await keysUnder(lake.objects, 'avro/registration/')).toEqual([planned.mergedKey]);
  });

  test('staged file written, manifest still STAGING: the rerun stages it again (the same records)', async () => {
    const expected = await fillDay(lake);
    const planned = await plan();
    await stageMerge(lake.objects, planned);
    await lake.killHolders();

    await lake.merges.mergePrefix('registration', parseLakePrefix(DAY));
    await expectExactlyOnce(lake, expected);
  });

  test('moved and published, manifest not closed: the rerun closes it and records the counts', async () => {
    const expected = await fillDay(lake);
    const outcome = await lake.merges.mergePrefix('registration', parseLakePrefix(DAY));
    const merges = lake.db.collection<LakeMergeDoc>(LAKE_MERGES);
    const staged = (await merges.findOne({ _id: outcome.mergeId! }))!;
    for (const input of staged.inputs) {
      await lake.objects.put(input.archivedKey, (await lake.objects.get(input.key))!.body);
      await lake.objects.delete(input.key);
    }
    await lake.objects.put(staged.mergedKey, (await lake.objects.get(staged.stagingKey))!.body);
    await lake.objects.delete(staged.stagingKey);
    await merges.updateOne({ _id: staged._id }, { $set: { state: 'MOVING' } });
    await lake.killHolders();

    // the move job's message comes back (its run was killed)
    expect(await lake.merges.finish(staged._id)).toBe(true);
    await expectExactlyOnce(lake, expected);
    const counts = await lake.db.collection('lakeFileCounts').find({}).sort({ _id: 1 }).toArray();
    expect(counts.map((count) => [count._id, count.records])).toEqual([
      ...staged.inputs.map((input) => [input.archivedKey, input.records]),
      [staged.mergedKey, 31],
    ]);
  });

  test('the staged file lost after the originals were archived: it is written again from the archive', async () => {
    const expected = await fillDay(lake);
    const outcome = await lake.merges.mergePrefix('registration', parseLakePrefix(DAY));
    const staged = (await lake.db.collection<LakeMergeDoc>(LAKE_MERGES).findOne({ _id: outcome.mergeId! }))!;
    for (const input of staged.inputs) {
      await lake.objects.put(input.archivedKey, (await lake.objects.get(input.key))!.body);
      await lake.objects.delete(input.key);
    }
    await lake.objects.delete(staged.stagingKey);

    await lake.merges.finish(staged._id);
    await expectExactlyOnce(lake, expected);
  });
});
