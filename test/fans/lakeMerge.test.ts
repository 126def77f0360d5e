import { parseLakePrefix } from '../../src/services/fans/lake/lakePrefix';
import { LAKE_FLUSHES, type LakeFlushDoc } from '../../src/services/fans/lake/writerModel';
import { avroRecords } from '../../src/services/fans/lake/avroFiles';
import {
  fansUnder,
  keysUnder,
  openLake,
  registrations,
  registrationSchemaV2,
  writeLoose,
  type TestLake,
} from './lakeSupport';

const DAY = '2025/03/04';
const live = (lake: TestLake, prefix = DAY) => fansUnder(lake.objects, `avro/registration/${prefix}/`);
const archived = (lake: TestLake, prefix = DAY) => fansUnder(lake.objects, `avro/archived/registration/${prefix}/`);

describe('lake merge of a day', () => {
  let lake: TestLake;
  beforeEach(async () => {
    lake = await openLake();
  });
  afterEach(() => lake.close());

  test('streams the loose files into one merged file, archives them, and publishes it last', async () => {
    await writeLoose(lake.objects, DAY, 'batch-a', registrations(DAY, 10, 0));
    await writeLoose(lake.objects, DAY, 'batch-b', registrations(DAY, 25, 10));
    const expected = await live(lake);

    const outcome = await lake.merges.mergePrefix('registration', parseLakePrefix(DAY));
    expect(outcome).toMatchObject({ state: 'STAGED', inputs: 2, records: 35, nothing: null });
    // staged outside the lake; the prefix is untouched until the move step
    expect(await keysUnder(lake.objects, 'avro-staging/')).toEqual([
      `avro-staging/registration/${DAY}/merged-${outcome.mergeId}.avro`,
    ]);
    expect(await live(lake)).toEqual(expected);
    expect(lake.jobs.enqueued).toEqual([
      {
        type: 'avro-merge-move',
        params: { mergeId: outcome.mergeId },
        idempotencyKey: `avro-merge-move:${outcome.mergeId}`,
      },
    ]);

    expect(await lake.merges.finish(outcome.mergeId!)).toBe(true);
    expect(await keysUnder(lake.objects, `avro/registration/`)).toEqual([
      `avro/registration/${DAY}/merged-${outcome.mergeId}.avro`,
    ]);
    expect(await keysUnder(lake.objects, 'avro/archived/')).toEqual([
      `avro/archived/registration/${DAY}/batch-a.avro`,
      `avro/archived/registration/${DAY}/batch-b.avro`,
    ]);
    expect(await keysUnder(lake.objects, 'avro-staging/')).toEqual([]);
    expect(await live(lake)).toEqual(expected);
    expect(await archived(lake)).toEqual(expected);
    const [manifest] = await lake.manifests();
    expect(manifest).toMatchObject({ state: 'DONE', open: false, records: 35, runId: null });
    expect(manifest!.inputs.map((input) => input.records)).toEqual([10, 25]);
    // the move job's message, delivered again, finds the merge done
    expect(await lake.merges.finish(outcome.mergeId!)).toBe(false);
  });

  test('a prefix holding one merged file only, or nothing, is left as it is', async () => {
    await writeLoose(lake.objects, DAY, 'batch-a', registrations(DAY, 5));
    const first = await lake.merges.mergePrefix('registration', parseLakePrefix(DAY));
    await lake.merges.finish(first.mergeId!);
    const before = await lake.objects.list('avro');

    const again = await lake.merges.mergePrefix('registration', parseLakePrefix(DAY));
    expect(again).toMatchObject({ mergeId: null, nothing: 'the prefix is already merged' });
    expect(await lake.objects.list('avro')).toEqual(before);
    const empty = await lake.merges.mergePrefix('registration', parseLakePrefix('2025/03/05'));
    expect(empty).toMatchObject({ mergeId: null, nothing: 'no lake files under the prefix' });
    expect(await lake.manifests()).toHaveLength(1);
  });

  test('late files of a merged day are merged with the earlier merged file, which is superseded', async () => {
    await writeLoose(lake.objects, DAY, 'batch-a', registrations(DAY, 5));
    const first = await lake.merges.mergePrefix('registration', parseLakePrefix(DAY));
    await lake.merges.finish(first.mergeId!);
    await writeLoose(lake.objects, DAY, 'late', registrations(DAY, 3, 100));

    const second = await lake.merges.mergePrefix('registration', parseLakePrefix(DAY));
    await lake.merges.finish(second.mergeId!);
    expect(await keysUnder(lake.objects, 'avro/registration/')).toEqual([
      `avro/registration/${DAY}/merged-${second.mergeId}.avro`,
    ]);
    expect(await keysUnder(lake.objects, 'avro/archived/registration/superseded/')).toEqual([
      `avro/archived/registration/superseded/${DAY}/merged-${first.mergeId}.avro`,
    ]);
    expect(await live(lake)).toHaveLength(8);
    // superseded files are not originals: each record once among the archived originals
    expect(await fansUnder(lake.objects, `avro/archived/registration/${DAY}/`)).toHaveLength(8);
    const firstManifest = (await lake.manifests()).find((merge) => merge._id === first.mergeId);
    expect(firstManifest?.supersededBy).toBe(second.mergeId);
  });

  test('files of older schema versions are read with their own schema and resolved into the newest', async () => {
    await writeLoose(lake.objects, DAY, 'v1', registrations(DAY, 4, 0));
    const v2 = registrations(DAY, 3, 10).map((record) => ({ ...record, channel: 'app' }));
    await writeLoose(lake.objects, DAY, 'v2', v2, registrationSchemaV2);

    const outcome = await lake.merges.mergePrefix('registration', parseLakePrefix(DAY));
    await lake.merges.finish(outcome.mergeId!);
    const merged = await lake.objects.get(`avro/registration/${DAY}/merged-${outcome.mergeId}.avro`);
    const channels: unknown[] = [];
    for await (const record of avroRecords(merged!.body, 'merged')) channels.push(record.channel);
    expect(channels.sort()).toEqual(['app', 'app', 'app', 'web', 'web', 'web', 'web']);
  });

  test('files a lake flush is still writing and files that are not Avro stay where they are', async () => {
    await writeLoose(lake.objects, DAY, 'done', registrations(DAY, 4));
    const writing = await writeLoose(lake.objects, DAY, 'writing', registrations(DAY, 2, 50));
    await lake.objects.put(`avro/registration/${DAY}/broken.avro`, 'not avro');
    await lake.db.collection<LakeFlushDoc>(LAKE_FLUSHES).insertOne({
      _id: 'registration',
      holder: 'w',
      heldUntil: new Date(),
      pending: [{ key: writing, chunkIds: [] }],
    });

    const outcome = await lake.merges.mergePrefix('registration', parseLakePrefix(DAY));
    expect(outcome.inputs).toBe(1);
    expect(outcome.skipped.map((file) => file.key).sort()).toEqual([`avro/registration/${DAY}/broken.avro`, writing]);
    await lake.merges.finish(outcome.mergeId!);
    expect(await keysUnder(lake.objects, `avro/registration/${DAY}/`)).toEqual([
      `avro/registration/${DAY}/broken.avro`,
      `avro/registration/${DAY}/merged-${outcome.mergeId}.avro`,
      writing,
    ]);
  });

  test('two runs merging the same day at once: one merge, each record once live and once archived', async () => {
    await writeLoose(lake.objects, DAY, 'a', registrations(DAY, 20, 0));
    await writeLoose(lake.objects, DAY, 'b', registrations(DAY, 20, 100));
    const expected = await live(lake);
    const runs = await Promise.allSettled([
      lake.merges.mergePrefix('registration', parseLakePrefix(DAY)),
      lake.mergesOn(lake.objects).mergePrefix('registration', parseLakePrefix(DAY)),
    ]);
    const refused = runs.filter((run) => run.status === 'rejected');
    for (const run of refused) expect(String(run.reason)).toMatch(/being worked on by another run/);
    // the move job's message, and the retry of a refused run
    const [manifest] = await lake.manifests();
    await lake.merges.complete(manifest!._id);
    await lake.merges.mergePrefix('registration', parseLakePrefix(DAY));
    expect(await lake.manifests()).toHaveLength(1);
    expect(await live(lake)).toEqual(expected);
    expect(await archived(lake)).toEqual(expected);
  });

  test('one open merge per record type: a live run holding it makes the next run wait', async () => {
    await writeLoose(lake.objects, DAY, 'a', registrations(DAY, 2));
    await writeLoose(lake.objects, '2025/03/05', 'b', registrations('2025/03/05', 2, 10));
    const first = await lake.merges.mergePrefix('registration', parseLakePrefix(DAY));
    // the move job holds it, alive
    await lake.db
      .collection<{ _id: string }>('lakeMerges')
      .updateOne({ _id: first.mergeId! }, { $set: { runId: 'move-job', heartbeatAt: new Date() } });

    await expect(lake.merges.mergePrefix('registration', parseLakePrefix('2025/03/05'))).rejects.toThrow(
      /being worked on by another run/,
    );
    await expect(lake.merges.finish(first.mergeId!)).rejects.toThrow(/being worked on by another run/);
    // once the holder is gone, the next run finishes the open merge first, then merges its own prefix
    await lake.killHolders();
    const next = await lake.merges.mergePrefix('registration', parseLakePrefix('2025/03/05'));
    expect(next.finished).toEqual([first.mergeId]);
    expect(next.inputs).toBe(1);
  });
});
