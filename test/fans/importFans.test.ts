import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Schema } from 'avsc';
import { fanRecordSchema } from '../../src/services/fans/ingest/recordSchemas';
import { runFansCommand } from '../../src/services/fans/import/importCommand';
import { importFans } from '../../src/services/fans/import/fanImport';
import { parseLakePrefix } from '../../src/services/fans/lake/lakePrefix';
import {
  CODE_POOLS,
  CODES,
  DEMAND,
  FAN_CAMPAIGNS,
  FAN_ENTRIES,
  type FanCampaignDoc,
} from '../../src/services/fans/model';
import { avroFile, keysUnder, openLake, registrations, registrationSchemaV2, type TestLake } from './lakeSupport';

const market = (id: string, country: string) => ({
  id,
  name: `Market ${id}`,
  city: 'City',
  country,
  timeZone: 'America/New_York',
  registrationLimit: null,
  selectionLimit: 100,
});

const ndjson = (...rows: unknown[]) =>
  rows.map((row) => (typeof row === 'string' ? row : JSON.stringify(row))).join('\n');

describe('fans import', () => {
  let lake: TestLake;
  let dir: string;
  beforeEach(async () => {
    lake = await openLake();
    dir = await mkdtemp(join(tmpdir(), 'fans-import-'));
  });
  afterEach(async () => {
    await lake.close();
    await rm(dir, { recursive: true, force: true });
  });

  const write = async (name: string, content: string | Buffer) => {
    const path = join(dir, name);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, content);
    return path;
  };

  async function exports() {
    return {
      campaigns: await write(
        'campaigns.ndjson',
        ndjson(
          {
            _id: 'tour-2024',
            name: 'Tour 2024',
            artist: 'The Band',
            status: 'CLOSED',
            scoringType: 'LOG',
            markets: [market('nyc', 'US'), market('lon', 'GB')],
            createdAt: '2024-03-01T00:00:00Z',
          },
          '',
          { id: 'bad campaign', name: 'x', artist: 'y' },
          '{ not json',
          { id: 'tour-2025', name: 'Tour 2025', artist: 'The Band', markets: '[]', status: 'OPEN' },
        ),
      ),
      entries: await write(
        'entries.csv',
        [
          'campaignId,userId,email,phone,marketPreferences,registeredAt,score,verdict,code,codeKind,selectedEvents',
          'tour-2024,u1, Fan1@Example.com ,(212) 555-0100,nyc|lon,2024-03-02T10:00:00Z,0.75,true,CODE-0001,,ev1|ev2',
          'tour-2024,u2,fan2@example.com,020 7946 0958,lon,1709373600000,,,,,',
          'tour-2024,u3,not-an-email,,nyc,2024-03-02T10:00:00Z,,,,,',
          'tour-2024,u4,fan4@example.com,,paris,2024-03-02T10:00:00Z,,,,,',
          'tour-1999,u5,fan5@example.com,,nyc,2024-03-02T10:00:00Z,,,,,',
          'tour-2024,u6,fan6@example.com,,nyc,2024-03-02T10:00:00Z,1.5,,,,',
        ].join('\n'),
      ),
      codes: await write(
        'codes.ndjson',
        ndjson(
          {
            code: 'CODE-0001',
            campaignId: 'tour-2024',
            state: 'ASSIGNED',
            userId: 'u1',
            assignedAt: '2024-03-05T00:00:00Z',
          },
          { code: 'CODE-0002', campaignId: 'tour-2024', pool: 'presale' },
          { code: 'x', campaignId: 'tour-2024' },
          { code: 'CODE-0003', campaignId: 'tour-2024', state: 'ASSIGNED' },
        ),
      ),
      demand: await write(
        'demand.csv',
        ['campaignId,userId,selectedEvents', 'tour-2024,u1,ev1|ev2', 'tour-2024,u2,', 'nope,u3,ev1'].join('\n'),
      ),
    };
  }

  test('loads valid rows of every export, refuses the others with their line and reason', async () => {
    const result = await importFans(lake, await exports(), new Date('2025-01-01T00:00:00Z'));
    expect(result.campaigns).toMatchObject({ rows: 4, loaded: 2, existing: 0, rejected: 2 });
    expect(result.campaigns!.rejects).toEqual([
      { line: 3, reason: expect.stringMatching(/^id: letters, digits/) },
      { line: 4, reason: expect.stringMatching(/^not a JSON object/) },
    ]);
    expect(result.entries).toMatchObject({ rows: 6, loaded: 2, rejected: 4 });
    expect(result.entries!.rejects).toEqual([
      { line: 4, reason: 'email: "not-an-email" is not an e-mail address' },
      { line: 5, reason: 'marketPreferences: campaign tour-2024 has no market paris' },
      { line: 6, reason: 'campaignId: no fan campaign tour-1999' },
      { line: 7, reason: 'score: 1.5 is outside [0, 1]' },
    ]);
    expect(result.codes).toMatchObject({ rows: 4, loaded: 2, rejected: 2 });
    expect(result.codes!.rejects.map((row) => row.line)).toEqual([3, 4]);
    expect(result.demand).toMatchObject({ rows: 3, loaded: 1, rejected: 2 });

    const campaign = await lake.db.collection<FanCampaignDoc>(FAN_CAMPAIGNS).findOne({ _id: 'tour-2024' });
    expect(campaign).toMatchObject({
      status: 'CLOSED',
      scoringType: 'LOG',
      createdAt: new Date('2024-03-01T00:00:00Z'),
    });
    expect(campaign!.markets).toHaveLength(2);
    const entry = await lake.db.collection<{ _id: string }>(FAN_ENTRIES).findOne({ _id: 'tour-2024:u1' });
    expect(entry).toMatchObject({
      email: 'fan1@example.com',
      phone: '+12125550100',
      market: 'nyc',
      marketPreferences: ['nyc', 'lon'],
      score: 0.75,
      verdict: true,
      code: 'CODE-0001',
      codeKind: 'NON_TM',
      selectedEvents: ['ev1', 'ev2'],
      registeredAt: new Date('2024-03-02T10:00:00Z'),
    });
    // read in the country of the fan's first market
    expect(await lake.db.collection<{ _id: string }>(FAN_ENTRIES).findOne({ _id: 'tour-2024:u2' })).toMatchObject({
      phone: '+442079460958',
      registeredAt: new Date(1709373600000),
    });
    expect(await lake.db.collection<{ _id: string }>(CODES).findOne({ _id: 'CODE-0001' })).toMatchObject({
      state: 'ASSIGNED',
      entryId: 'tour-2024:u1',
      poolId: 'tour-2024:imported',
    });
    expect(await lake.db.collection<{ _id: string }>(CODE_POOLS).countDocuments({})).toBe(2);
    expect(await lake.db.collection<{ _id: string }>(DEMAND).findOne({ _id: 'tour-2024:u1' })).toMatchObject({
      selectedEvents: ['ev1', 'ev2'],
    });
  });

  test('a rerun changes nothing loaded (nor what the service changed since) and loads what was fixed', async () => {
    const sources = await exports();
    await importFans(lake, sources);
    await lake.db
      .collection<{ _id: string }>(CODES)
      .updateOne({ _id: 'CODE-0002' }, { $set: { state: 'ASSIGNED', userId: 'u2' } });

    const again = await importFans(lake, sources);
    expect(again.entries).toMatchObject({ loaded: 0, existing: 2, rejected: 4 });
    expect(again.codes).toMatchObject({ loaded: 0, existing: 2, rejected: 2 });
    expect(await lake.db.collection<{ _id: string }>(CODES).findOne({ _id: 'CODE-0002' })).toMatchObject({
      state: 'ASSIGNED',
    });

    await write(
      'entries.csv',
      [
        'campaignId,userId,email,marketPreferences,registeredAt',
        'tour-2024,u3,fan3@example.com,nyc,2024-03-02T10:00:00Z',
      ].join('\n'),
    );
    const fixed = await importFans(lake, { entries: sources.entries });
    expect(fixed.entries).toMatchObject({ loaded: 1, existing: 0, rejected: 0 });
  });

  test('a code another campaign holds is refused, never moved', async () => {
    await importFans(lake, { campaigns: (await exports()).campaigns });
    const codes = await write(
      'codes.csv',
      ['code,campaignId', 'SHARED-1,tour-2024', 'SHARED-1,tour-2025', 'OTHER-1,tour-2025'].join('\n'),
    );
    const result = await importFans(lake, { codes });
    expect(result.codes).toMatchObject({ loaded: 2, rejected: 1 });
    expect(result.codes!.rejects).toEqual([{ line: 3, reason: 'code: SHARED-1 belongs to campaign tour-2024' }]);
  });

  test("registers the old lake's files as archived, read with their own schema; merged ones superseded", async () => {
    const old = join(dir, 'old-bucket', 'avro');
    await write('old-bucket/avro/registration/2024/05/01/merged', await avroFile(registrations('2024/05/01', 5)));
    await write(
      'old-bucket/avro/archived/registration/2024/05/01/a.avro',
      await avroFile(registrations('2024/05/01', 3)),
    );
    const v2 = registrations('2024/05/01', 2, 3).map((record) => ({ ...record, channel: 'app' }));
    await write('old-bucket/avro/archived/registration/2024/05/01/b.avro', await avroFile(v2, registrationSchemaV2));
    await write('old-bucket/avro/registration/2024/05/02/c.avro', await avroFile(registrations('2024/05/02', 4)));
    await write('old-bucket/avro/registration/2024/05/03/merged', await avroFile(registrations('2024/05/03', 6)));
    const scoring = [
      {
        campaignId: 'c',
        userId: 'u',
        email: null,
        score: 0.5,
        verdict: null,
        reason: null,
        source: 'FANLIST',
        scoredAt: Date.UTC(2024, 4, 1),
      },
    ];
    await write(
      'old-bucket/avro/scoring/2024/05/01/s.avro',
      await avroFile(scoring, fanRecordSchema('scoring').schema as Schema),
    );
    await write('old-bucket/avro/clicks/2024/05/01/x.avro', await avroFile(registrations('2024/05/01', 1)));
    await write('old-bucket/avro/registration/2024/05/04/broken.avro', 'not avro at all');

    const result = await importFans(lake, { lake: old });
    expect(result.lake).toMatchObject({
      files: 8,
      archived: 5,
      records: 3 + 2 + 4 + 6 + 1,
      superseded: 1,
      rejected: 2,
    });
    expect(result.lake!.rejects.map((file) => file.file)).toEqual([
      'clicks/2024/05/01/x.avro',
      'registration/2024/05/04/broken.avro',
    ]);
    expect(await keysUnder(lake.objects, 'avro/')).toEqual([
      'avro/archived/registration/2024/05/01/a.avro',
      'avro/archived/registration/2024/05/01/b.avro',
      'avro/archived/registration/2024/05/02/c.avro',
      // a merged file with nothing beside it is the only copy of its records: an original
      'avro/archived/registration/2024/05/03/merged',
      'avro/archived/registration/superseded/2024/05/01/merged',
      'avro/archived/scoring/2024/05/01/s.avro',
    ]);
    const verification = await lake.merges.verify('registration', parseLakePrefix('2024/05/01'));
    expect(verification).toMatchObject({
      archived: { files: 0, records: 0, importedFiles: 2, importedRecords: 5, supersededFiles: 1 },
      lakeAgrees: true,
    });

    const before = await lake.objects.list('avro/');
    const again = await importFans(lake, { lake: old });
    expect(again.lake).toMatchObject({ archived: 5, superseded: 1, rejected: 2 });
    expect(await lake.objects.list('avro/')).toEqual(before);
  });

  test('the CLI command prints what it loaded and refused; exit code 1 when something was refused', async () => {
    const { campaigns } = await exports();
    let text = '';
    const out = { write: (chunk: string) => (text += chunk) };
    expect(await runFansCommand(lake, { campaigns }, ['import'], out)).toBe(1);
    expect(text).toContain(`  campaigns ${campaigns}: 4 rows, 2 loaded, 0 there already, 2 rejected\n    line 3: id:`);
    text = '';
    const good = await write('good.ndjson', ndjson({ id: 'tour-2026', name: 'T', artist: 'A' }));
    expect(await runFansCommand(lake, { campaigns: good, json: true }, ['import'], out)).toBe(0);
    expect(JSON.parse(text)).toMatchObject({ campaigns: { loaded: 1, rejected: 0 } });

    await expect(runFansCommand(lake, {}, ['import'], out)).rejects.toThrow('name at least one of');
    await expect(runFansCommand(lake, { entries: join(dir, 'missing.csv') }, ['import'], out)).rejects.toThrow(
      'no readable file',
    );
    await expect(runFansCommand(lake, { entries: join(dir, 'x.xlsx') }, ['import'], out)).rejects.toThrow(
      'neither .ndjson, .jsonl nor .csv',
    );
    await expect(runFansCommand(lake, { campaigns }, ['export'], out)).rejects.toThrow('fans import');
  });
});
