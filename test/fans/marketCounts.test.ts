import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fansFeature } from '../../src/features/fans';
import { FanMarketCounts, type FanEntryCountsDoc } from '../../src/services/fans/entries/marketCounts';
import { importFans } from '../../src/services/fans/import/fanImport';
import { FanRegistrations } from '../../src/services/fans/ingest/registrations';
import { FAN_ENTRIES, FAN_ENTRY_COUNTS, type FanEntryDoc } from '../../src/services/fans/model';
import type { RegistrationRecord } from '../../src/services/fans/records';
import { FanCampaignPageDocument, type FanCampaignPageQuery } from '../../web/src/generated/graphql';
import { graphql } from '../support/graphql';
import { startTestServer, type TestServer } from '../support/server';
import { market, storeCampaign } from './ingestSupport';

const MARKETS = ['nyc', 'lon'];

const record = (campaignId: string, userId: string, market: string): RegistrationRecord => ({
  type: 'registration',
  campaignId,
  userId,
  email: `${userId}@example.com`,
  phone: null,
  firstName: null,
  marketPreferences: [market],
  smsConsentSource: null,
  smsConsentAt: null,
  registeredAt: Date.parse('2026-03-01T12:00:00Z'),
});

/** `count` fans u<from>..: every third in lon, the rest in nyc. */
const fans = (campaignId: string, from: number, count: number) =>
  Array.from({ length: count }, (_, i) => record(campaignId, `u${from + i}`, (from + i) % 3 === 0 ? 'lon' : 'nyc'));

describe('registrations per market kept with the entries', () => {
  let server: TestServer;
  let viewer: string;

  beforeAll(async () => {
    server = await startTestServer();
    viewer = await server.createApiKey('viewer');
  });
  afterAll(async () => {
    await server.stop();
  });

  const services = () => server.servicesOf(fansFeature);
  const db = () => server.app.db;

  /** The markets' entries counted on the index, as every request did before the counts were kept. */
  async function indexCounts(campaignId: string): Promise<Record<string, number>> {
    const entries = db().collection<FanEntryDoc>(FAN_ENTRIES);
    const counts: Record<string, number> = {};
    for (const market of MARKETS) counts[market] = await entries.countDocuments({ campaignId, market });
    return counts;
  }

  async function keptCounts(campaignId: string): Promise<Record<string, number>> {
    return Object.fromEntries(await services().marketCounts.read(campaignId, MARKETS));
  }

  async function expectExact(campaignId: string): Promise<Record<string, number>> {
    const counts = await indexCounts(campaignId);
    expect(await keptCounts(campaignId)).toEqual(counts);
    return counts;
  }

  it('count each fan once, through redelivered batches, repeats in a batch and batches side by side', async () => {
    await storeCampaign(db(), 'redelivered', {
      markets: [market('nyc', 'US', { registrationLimit: 100 }), market('lon', 'GB')],
    });
    const { registrations } = services();
    const batch = fans('redelivered', 0, 40);
    await registrations.handle([...batch, ...batch.slice(0, 5)]);
    await registrations.handle(batch);
    await Promise.all([
      registrations.handle(fans('redelivered', 30, 30)),
      registrations.handle(fans('redelivered', 50, 30)),
      registrations.handle(batch.slice(10, 20)),
    ]);
    const counts = await expectExact('redelivered');
    expect(counts.nyc + counts.lon).toBe(80);

    const { data, errors } = await graphql<FanCampaignPageQuery>(
      server.url,
      FanCampaignPageDocument.toString(),
      { id: 'redelivered' },
      { key: viewer },
    );
    expect(errors).toBeUndefined();
    expect(
      data!.fanCampaign.markets.map(({ id, registrations, registrationsLeft }) => ({
        id,
        registrations,
        registrationsLeft,
      })),
    ).toEqual([
      { id: 'nyc', registrations: counts.nyc, registrationsLeft: 100 - counts.nyc },
      { id: 'lon', registrations: counts.lon, registrationsLeft: null },
    ]);
  });

  it('move a fan who registers again with another first market', async () => {
    await storeCampaign(db(), 'moved');
    const { registrations } = services();
    await registrations.handle(fans('moved', 0, 9));
    const before = await expectExact('moved');
    await registrations.handle([
      record('moved', 'u1', 'lon'),
      record('moved', 'u3', 'lon'),
      record('moved', 'u2', 'nyc'),
    ]);
    await registrations.handle([record('moved', 'u1', 'lon')]);
    expect(await expectExact('moved')).toEqual({ nyc: before.nyc - 1, lon: before.lon + 1 });
  });

  it('stay exact when another process inserts the same fans between the read and the write', async () => {
    await storeCampaign(db(), 'raced');
    const { registrations, directory, lake } = services();
    const otherProcess = new FanRegistrations({ db: db(), directory, lake, marketCounts: new FanMarketCounts(db()) });
    const batch = fans('raced', 0, 60);
    await Promise.all([
      registrations.handle(batch),
      otherProcess.handle(batch.map((fan) => ({ ...fan, marketPreferences: ['lon'] }))),
      registrations.handle(batch.slice(20, 40)),
      otherProcess.handle(batch.slice(30, 60)),
    ]);
    const counts = await expectExact('raced');
    expect(counts.nyc + counts.lon).toBe(60);
  });

  it('count imported entries once, however often the file is loaded', async () => {
    await storeCampaign(db(), 'imported');
    const dir = await mkdtemp(join(tmpdir(), 'market-counts-'));
    try {
      const file = join(dir, 'entries.csv');
      const rows = fans('imported', 0, 12).map(
        (fan) => `imported,${fan.userId},${fan.email},${fan.marketPreferences[0]},2026-03-01T12:00:00Z`,
      );
      await writeFile(
        file,
        ['campaignId,userId,email,marketPreferences,registeredAt', ...rows, rows[0]].join('\n') + '\n',
      );
      const deps = { db: db(), objects: server.app.ports.objects, marketCounts: services().marketCounts };
      const first = await importFans(deps, { entries: file });
      expect(first.entries).toMatchObject({ loaded: 12, rejected: 0 });
      await services().registrations.handle(fans('imported', 10, 4));
      await importFans(deps, { entries: file });
      const counts = await expectExact('imported');
      expect(counts.nyc + counts.lon).toBe(14);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('are rebuilt from the entries by `stats rebuild`', async () => {
    await db()
      .collection<FanEntryCountsDoc>(FAN_ENTRY_COUNTS)
      .updateOne({ _id: 'moved' }, { $inc: { 'markets.nyc': 5, 'markets.gone': 2 } });
    const admin = await server.createApiKey('admin');
    const response = await fetch(new URL('/admin/commands/stats', server.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
      body: JSON.stringify({ flags: { domain: 'fans' }, positional: ['rebuild'] }),
    });
    expect(await response.json()).toEqual({ exitCode: 0, output: 'fans: {"campaigns":4,"codePools":0}\n' });
    for (const campaignId of ['redelivered', 'moved', 'raced', 'imported']) await expectExact(campaignId);
    expect(
      (await db().collection<FanEntryCountsDoc>(FAN_ENTRY_COUNTS).findOne({ _id: 'moved' }))?.markets,
    ).not.toHaveProperty('gone');
  });
});

describe('registrations per market of entries written before the counts were kept', () => {
  it('are counted when the service starts, and kept from then on', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'market-counts-start-'));
    try {
      let server = await startTestServer({ DATA_DIR: dataDir });
      await storeCampaign(server.app.db, 'old');
      await server.servicesOf(fansFeature).registrations.handle(fans('old', 0, 30));
      // what a data set written by a version without the counts holds: the entries alone, and a
      // registration taken in while the service starts counted from there on
      await server.app.db.collection(FAN_ENTRY_COUNTS).deleteMany({});
      await server.app.db
        .collection<FanEntryCountsDoc>(FAN_ENTRY_COUNTS)
        .insertOne({ _id: 'old', markets: { nyc: 1 } });
      await server.stop();

      server = await startTestServer({ DATA_DIR: dataDir });
      try {
        const counts = server.servicesOf(fansFeature).marketCounts;
        expect(Object.fromEntries(await counts.read('old', MARKETS))).toEqual({ nyc: 20, lon: 10 });
        await server.servicesOf(fansFeature).registrations.handle(fans('old', 25, 10));
        expect(Object.fromEntries(await counts.read('old', MARKETS))).toEqual({ nyc: 23, lon: 12 });
      } finally {
        await server.stop();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
