import { FAN_ENTRIES } from '../../src/services/fans/model';
import { LakeFileCounts } from '../../src/services/fans/lake/lakeFileCounts';
import { runLakeCommand } from '../../src/services/fans/lake/lakeCommand';
import { parseLakePrefix } from '../../src/services/fans/lake/lakePrefix';
import { avroFile, openLake, registrations, writeLoose, type TestLake } from './lakeSupport';

async function command(lake: TestLake, args: string[], flags: Record<string, string | boolean>) {
  let text = '';
  const code = await runLakeCommand(lake.merges, flags, args, { write: (chunk: string) => (text += chunk) });
  return { code, text };
}

async function addEntries(lake: TestLake, day: string, count: number, from: number) {
  const docs = registrations(day, count, from).map((record) => ({
    _id: `${record.campaignId}:${record.userId}`,
    campaignId: record.campaignId,
    userId: record.userId,
    registeredAt: new Date(record.registeredAt),
  }));
  await lake.db.collection<{ _id: string }>(FAN_ENTRIES).insertMany(docs);
}

async function mergeAll(lake: TestLake, prefix: string) {
  const outcome = await lake.merges.mergePrefix('registration', parseLakePrefix(prefix));
  if (outcome.mergeId) await lake.merges.finish(outcome.mergeId);
}

describe('lake verify', () => {
  let lake: TestLake;
  beforeEach(async () => {
    lake = await openLake();
  });
  afterEach(() => lake.close());

  test('counts live, archived and stored registrations of a day, before and after its merge', async () => {
    await writeLoose(lake.objects, '2025/03/04', 'a', registrations('2025/03/04', 6, 0));
    await writeLoose(lake.objects, '2025/03/04', 'b', registrations('2025/03/04', 4, 10));
    await addEntries(lake, '2025/03/04', 6, 0);
    await addEntries(lake, '2025/03/04', 4, 10);
    await addEntries(lake, '2025/03/05', 3, 100);

    const before = await lake.merges.verify('registration', parseLakePrefix('2025/03/04'));
    expect(before).toMatchObject({
      live: { looseFiles: 2, looseRecords: 10, mergedRecords: 0, records: 10 },
      archived: { files: 0, records: 0 },
      store: { records: 10 },
      lakeAgrees: true,
      storeAgrees: true,
      agrees: true,
    });

    await mergeAll(lake, '2025/03/04');
    const { code, text } = await command(lake, ['verify'], { type: 'registration', prefix: '2025/03/04' });
    expect(code).toBe(0);
    expect(text).toContain('live:     10 records = merged 10 (1 files) + loose 0 (0 files)');
    expect(text).toContain('archived: 10 records in 2 originals');
    expect(text).toContain(
      'store:    10 fanEntries registered from 2025-03-04T00:00:00.000Z to 2025-03-05T00:00:00.000Z',
    );
    expect(text).toContain('result:   AGREE');
  });

  test('a day merged into its month is counted inside the monthly file; the daily file is superseded', async () => {
    await writeLoose(lake.objects, '2025/03/04', 'a', registrations('2025/03/04', 6, 0));
    await writeLoose(lake.objects, '2025/03/05', 'a', registrations('2025/03/05', 4, 10));
    await mergeAll(lake, '2025/03/04');
    await mergeAll(lake, '2025/03');
    await addEntries(lake, '2025/03/04', 6, 0);

    const day = await lake.merges.verify('registration', parseLakePrefix('2025/03/04'));
    expect(day).toMatchObject({
      live: { mergedFiles: 0, enclosingMergedRecords: 6, records: 6 },
      archived: { records: 6, supersededFiles: 1 },
      agrees: true,
    });
    const month = await lake.merges.verify('registration', parseLakePrefix('2025/03'));
    expect(month).toMatchObject({
      live: { mergedFiles: 1, mergedRecords: 10, records: 10 },
      archived: { files: 2, records: 10, supersededFiles: 1 },
      lakeAgrees: true,
      storeAgrees: false,
      agrees: false,
    });
  });

  test('a record missing from the archive, or one more in the store, is a disagreement: exit code 1', async () => {
    await writeLoose(lake.objects, '2025/03/04', 'a', registrations('2025/03/04', 6, 0));
    await writeLoose(lake.objects, '2025/03/04', 'b', registrations('2025/03/04', 2, 10));
    await mergeAll(lake, '2025/03/04');
    await addEntries(lake, '2025/03/04', 6, 0);
    await addEntries(lake, '2025/03/04', 2, 10);
    await addEntries(lake, '2025/03/04', 1, 50);
    await lake.objects.delete('avro/archived/registration/2025/03/04/b.avro');

    const { code, text } = await command(lake, ['verify'], { type: 'registration', prefix: '2025/03/04' });
    expect(code).toBe(1);
    expect(text).toContain('lake:     merged 8 vs archived 6: DISAGREE');
    expect(text).toContain(
      'store:    lake records matching their entry 8 vs store 9 (re-registrations 0, without an entry 0): DISAGREE',
    );
    expect(text).toContain('result:   DISAGREE');
    const json = await command(lake, ['verify'], { type: 'registration', prefix: '2025/03/04', json: true });
    expect(JSON.parse(json.text)).toMatchObject({ lakeAgrees: false, storeAgrees: false, agrees: false });
  });

  test('re-registrations are lake records that do not add entries; a record without an entry disagrees', async () => {
    await writeLoose(lake.objects, '2025/03/04', 'a', registrations('2025/03/04', 5, 0));
    await addEntries(lake, '2025/03/04', 5, 0);
    const again = registrations('2025/03/04', 2, 0).map((record) => ({
      ...record,
      registeredAt: record.registeredAt + 60_000,
    }));
    await writeLoose(lake.objects, '2025/03/04', 'b', again);
    const reRegistered = await lake.merges.verify('registration', parseLakePrefix('2025/03/04'));
    expect(reRegistered).toMatchObject({
      live: { records: 7 },
      store: { records: 5, lake: { matching: 5, others: 2, withoutEntry: 0 } },
      agrees: true,
    });

    await writeLoose(lake.objects, '2025/03/04', 'c', registrations('2025/03/04', 1, 900));
    const orphan = await lake.merges.verify('registration', parseLakePrefix('2025/03/04'));
    expect(orphan).toMatchObject({ store: { lake: { withoutEntry: 1 } }, storeAgrees: false, agrees: false });
  });

  test('imported history counts with the store, not against merges; other types compare the lake only', async () => {
    const key = 'avro/archived/registration/2024/11/02/old.avro';
    await lake.objects.put(key, await avroFile(registrations('2024/11/02', 5)));
    await new LakeFileCounts(lake.db).save([
      { _id: key, recordType: 'registration', records: 5, source: 'IMPORT', mergeId: null },
    ]);
    await addEntries(lake, '2024/11/02', 5, 0);
    const imported = await lake.merges.verify('registration', parseLakePrefix('2024/11/02'));
    expect(imported).toMatchObject({
      archived: { files: 0, records: 0, importedFiles: 1, importedRecords: 5 },
      agrees: true,
    });

    const scoring = await command(lake, ['verify'], { type: 'scoring', prefix: '2024/11' });
    expect(scoring.code).toBe(0);
    expect(scoring.text).toContain('store:    not compared');
  });

  test('lake merge runs the merge to its end and says what it did; bad flags are usage errors', async () => {
    await writeLoose(lake.objects, '2025/03/04', 'a', registrations('2025/03/04', 3, 0));
    const merged = await command(lake, ['merge'], { type: 'registration', prefix: '2025/03/04' });
    expect(merged.code).toBe(0);
    expect(merged.text).toMatch(/^lake merge registration 2025\/03\/04: 1 files, 3 records merged into merge \S+\n$/);
    expect((await lake.manifests())[0]).toMatchObject({ state: 'DONE' });
    const again = await command(lake, ['merge'], { type: 'registration', prefix: '2025/03/04' });
    expect(again.text).toContain('nothing to do (the prefix is already merged)');

    await expect(command(lake, ['verify'], { type: 'registration' })).rejects.toMatchObject({
      extensions: { code: 'BAD_USER_INPUT' },
      message: '--prefix is required',
    });
    await expect(command(lake, ['verify'], { type: 'clicks', prefix: '2025/03' })).rejects.toThrow(
      'type: one of registration, codeAssignment, scoring',
    );
    await expect(command(lake, ['verify'], { type: 'scoring', prefix: '2025/13' })).rejects.toThrow(
      'prefix: YYYY/MM/DD (a day) or YYYY/MM (a month)',
    );
    await expect(command(lake, ['purge'], {})).rejects.toThrow('lake merge or lake verify');
  });
});
