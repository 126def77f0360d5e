import { Registry } from 'prom-client';
import type { Db } from '../../src/datasources/store';
import { fansFeature } from '../../src/features/fans';
import { createFanIngestMetrics } from '../../src/services/fans/ingest/metrics';
import type { RegistrationRecord } from '../../src/services/fans/records';
import { FanLakeWriter } from '../../src/services/fans/lake/writer';
import { LAKE_BUFFER, LAKE_FLUSHES, type LakeFlushDoc } from '../../src/services/fans/lake/writerModel';
import { startTestServer, type TestServer } from '../support/server';
import { ndjson, postNdjson, registration, storeCampaign } from './ingestSupport';
import { eventually, readLakeFile } from './lakeWriterSupport';

const day = (iso: string) => Date.parse(iso);

const record = (userId: string, registeredAt: number): RegistrationRecord => ({
  type: 'registration',
  campaignId: 'tour',
  userId,
  email: `${userId}@example.com`,
  phone: null,
  firstName: null,
  marketPreferences: ['nyc'],
  smsConsentSource: null,
  smsConsentAt: null,
  registeredAt,
});

describe('the lake writer', () => {
  let server: TestServer;
  let operator: string;

  beforeAll(async () => {
    server = await startTestServer({ FAN_LAKE_FLUSH_RECORDS: '5', FAN_LAKE_FLUSH_SECONDS: '1' });
    operator = await server.createApiKey('operator');
    await storeCampaign(server.app.db, 'tour');
  });
  afterAll(async () => {
    await server.stop();
  });

  const objects = () => server.app.ports.objects;
  const lakeKeys = async (prefix = 'avro/registration/') => (await objects().list(prefix)).map((o) => o.key);
  const buffered = () => server.app.db.collection(LAKE_BUFFER).countDocuments({});

  it('writes ingested registrations to deflate Avro files per UTC day, each record once, and empties the buffer', async () => {
    const records = [
      ...Array.from({ length: 7 }, (_, i) => registration('tour', `a${i}`, { registeredAt: '2026-03-01T23:59:59Z' })),
      ...Array.from({ length: 3 }, (_, i) => registration('tour', `b${i}`, { registeredAt: '2026-03-02T00:00:00Z' })),
    ];
    const { body } = await postNdjson(server, operator, ndjson(records));
    expect(body.accepted).toBe(10);
    // Every 5 records or 1 s: all of them are in files soon, and none is left buffered.
    await eventually(async () => (await buffered()) === 0);
    const keys = await lakeKeys();
    expect(
      keys.every((key) => /^avro\/registration\/2026\/03\/0[12]\/[0-9a-z]+-[0-9a-f]+-[0-9a-z]+\.avro$/.test(key)),
    ).toBe(true);
    const files = await Promise.all(keys.map((key) => readLakeFile(objects(), key)));
    expect(files.every((file) => file.codec === 'deflate')).toBe(true);
    expect(files[0].schema).toMatchObject({ name: 'Registration', namespace: 'campaignhub.fans', version: 1 });
    const byDay = (prefix: string) =>
      keys.flatMap((key, i) => (key.includes(prefix) ? files[i].records.map((r) => r.userId) : [])).sort();
    expect(byDay('2026/03/01')).toEqual(['a0', 'a1', 'a2', 'a3', 'a4', 'a5', 'a6']);
    expect(byDay('2026/03/02')).toEqual(['b0', 'b1', 'b2']);
    expect(files[0].records[0]).toMatchObject({
      campaignId: 'tour',
      email: expect.stringMatching(/@example\.com$/),
      phone: '+12125550123',
      marketPreferences: ['nyc'],
      registeredAt: expect.any(Number),
    });
    const metrics = await server.app.metrics.metrics();
    expect(metrics).toMatch(/fan_lake_records_written_total\{type="registration"\} 10/);
    expect(metrics).toMatch(new RegExp(`fan_lake_files_written_total\\{type="registration"\\} ${keys.length}`));
  });

  describe('a flush that dies between writing its files and deleting their records', () => {
    const writerOf = (db: Db) =>
      new FanLakeWriter({
        db,
        objects: objects(),
        logger: server.app.logger,
        metrics: createFanIngestMetrics(new Registry()),
        flushRecords: 1000,
        flushSeconds: 3600,
        holdMs: 1,
      });
    /** The store, with the nth call of `method` on `collection` failing as a crash would stop it. */
    const failingOnce = (collection: string, method: 'deleteMany' | 'updateOne', nth = 1): Db => {
      const db = server.app.db;
      let calls = 0;
      return {
        ...db,
        databaseName: db.databaseName,
        collection: (name: string) => {
          const real = db.collection(name);
          if (name !== collection) return real;
          return new Proxy(real, {
            get(target, property, receiver) {
              if (property !== method) return Reflect.get(target, property, receiver);
              return (...args: unknown[]) => {
                calls += 1;
                if (calls === nth) return Promise.reject(new Error('killed'));
                return (target as any)[method](...args);
              };
            },
          });
        },
      } as Db;
    };

    beforeEach(async () => {
      await server.servicesOf(fansFeature).lake.stop();
    });

    it('is finished by the next flush, which writes the same file again: each record once in the lake', async () => {
      const crashing = writerOf(failingOnce(LAKE_BUFFER, 'deleteMany'));
      const records = Array.from({ length: 20 }, (_, i) => record(`crash${i}`, day('2026-04-10T10:00:00Z')));
      await crashing.append('registration', records);
      await expect(crashing.flush('registration')).rejects.toThrow('killed');
      const written = await lakeKeys('avro/registration/2026/04/10/');
      expect(written).toHaveLength(1);
      expect(await server.app.db.collection<LakeFlushDoc>(LAKE_FLUSHES).findOne({ _id: 'registration' })).toMatchObject(
        {
          pending: [{ key: written[0] }],
        },
      );
      // Records appended after the crash go to a later file, not into the one being finished.
      await crashing.append('registration', [record('after', day('2026-04-10T11:00:00Z'))]);

      const restarted = writerOf(server.app.db);
      await new Promise((resolve) => setTimeout(resolve, 5));
      const outcome = await restarted.flush('registration');
      expect(outcome).toMatchObject({ files: 2, records: 21, remaining: 0, heldElsewhere: false });
      const keys = await lakeKeys('avro/registration/2026/04/10/');
      expect(keys).toHaveLength(2);
      expect(keys).toContain(written[0]);
      const userIds = (await Promise.all(keys.map((key) => readLakeFile(objects(), key)))).flatMap((file) =>
        file.records.map((r) => r.userId),
      );
      expect(userIds.sort()).toEqual([...records.map((r) => r.userId), 'after'].sort());
      expect(await buffered()).toBe(0);
      expect(await server.app.db.collection<LakeFlushDoc>(LAKE_FLUSHES).findOne({ _id: 'registration' })).toMatchObject(
        {
          pending: null,
        },
      );
    });

    it('after its deletes, is finished without writing anything again', async () => {
      // The flush document's update clearing `pending` is the second updateOne of a flush.
      const crashing = writerOf(failingOnce(LAKE_FLUSHES, 'updateOne', 2));
      await crashing.append('registration', [record('late0', day('2026-04-11T10:00:00Z'))]);
      await expect(crashing.flush('registration')).rejects.toThrow('killed');
      expect(await buffered()).toBe(0);
      const restarted = writerOf(server.app.db);
      await new Promise((resolve) => setTimeout(resolve, 5));
      expect(await restarted.flush('registration')).toMatchObject({ files: 0, records: 0 });
      const keys = await lakeKeys('avro/registration/2026/04/11/');
      expect(keys).toHaveLength(1);
      expect((await readLakeFile(objects(), keys[0])).records.map((r) => r.userId)).toEqual(['late0']);
    });

    it('keeps another writer out while its hold lasts', async () => {
      const holding = new FanLakeWriter({
        db: failingOnce(LAKE_BUFFER, 'deleteMany'),
        objects: objects(),
        logger: server.app.logger,
        metrics: createFanIngestMetrics(new Registry()),
        flushRecords: 1000,
        flushSeconds: 3600,
        holdMs: 60_000,
      });
      await holding.append('registration', [record('held0', day('2026-04-12T10:00:00Z'))]);
      await expect(holding.flush('registration')).rejects.toThrow('killed');
      expect(await writerOf(server.app.db).flush('registration')).toMatchObject({ heldElsewhere: true, files: 0 });
      // The holder itself finishes its flush.
      expect(await holding.flush('registration')).toMatchObject({ files: 1, records: 1 });
      expect(await lakeKeys('avro/registration/2026/04/12/')).toHaveLength(1);
    });
  });

  it('catches up a backlog in one cycle: a file per full batch, the rest left for the next flush', async () => {
    await server.servicesOf(fansFeature).lake.stop();
    const writer = new FanLakeWriter({
      db: server.app.db,
      objects: objects(),
      logger: server.app.logger,
      metrics: createFanIngestMetrics(new Registry()),
      flushRecords: 4,
      flushSeconds: 3600,
    });
    const records = Array.from({ length: 23 }, (_, i) => record(`backlog${i}`, day('2026-04-14T10:00:00Z')));
    for (let start = 0; start < records.length; start += 2) {
      await writer.append('registration', records.slice(start, start + 2));
    }
    expect(await writer.flush('registration', { all: false })).toMatchObject({ files: 5, records: 20, remaining: 3 });
    const keys = await lakeKeys('avro/registration/2026/04/14/');
    const files = await Promise.all(keys.map((key) => readLakeFile(objects(), key)));
    expect(files.map((file) => file.records.length)).toEqual([4, 4, 4, 4, 4]);
    expect(files.flatMap((file) => file.records.map((r) => r.userId))).toEqual(
      records.slice(0, 20).map((r) => r.userId),
    );
    expect(await writer.flush('registration')).toMatchObject({ files: 1, records: 3, remaining: 0 });
  });

  it('writes what is buffered when it stops', async () => {
    const writer = new FanLakeWriter({
      db: server.app.db,
      objects: objects(),
      logger: server.app.logger,
      metrics: createFanIngestMetrics(new Registry()),
      flushRecords: 1000,
      flushSeconds: 3600,
    });
    await writer.start();
    await writer.append('registration', [record('stop0', day('2026-04-13T10:00:00Z'))]);
    expect(await lakeKeys('avro/registration/2026/04/13/')).toHaveLength(0);
    await writer.stop();
    expect(await lakeKeys('avro/registration/2026/04/13/')).toHaveLength(1);
  });
});
