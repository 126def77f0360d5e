import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import { CODES, FAN_ENTRIES, type CodeDoc, type FanEntryDoc } from '../../src/services/fans/model';
import { readZipDirectory } from '../../src/services/uploads/zipDirectory';
import { WAVES, type WaveDoc } from '../../src/services/waves/model';
import {
  csv,
  market,
  messagesOf,
  startWaveServer,
  storeCampaign,
  storeFans,
  storePool,
  waveConfig,
  waveDoc,
  type WaveServer,
} from './waveSupport';

const PREPARE = `mutation($input: PrepareWaveInput!, $marketDetails: Upload) {
  prepareWave(input: $input, marketDetails: $marketDetails) { id status }
}`;
const PREP = `query($id: ID!) { wavePrep(id: $id) {
  id campaignId dateKey status selected codesReserved objectKey perMarket { market count } download { url expiresAt }
} }`;
const DETAILS = csv(
  'market,venue,eventDate',
  'nyc,Madison Square Garden,2026-07-01',
  'lon,"The O2, London",2026-07-03',
);
const FROM_PREP = `mutation($prepId: ID!, $config: WaveConfigInput!) { createWaveFromPrep(prepId: $prepId, config: $config) { id } }`;

describe('wave prep', () => {
  let waves: WaveServer;
  let dir: string;

  /** The files of the prep's zip, fetched through its download link. */
  const zipFiles = async (url: string): Promise<Record<string, string>> => {
    const link = new URL(url);
    const response = await fetch(new URL(`${link.pathname}${link.search}`, waves.server.url));
    expect(response.status).toBe(200);
    const path = join(dir, `prep-${Date.now()}.zip`);
    await writeFile(path, Buffer.from(await response.arrayBuffer()));
    const files: Record<string, string> = {};
    for (const file of await readZipDirectory(path)) files[file.path] = await text(file.stream());
    return files;
  };
  const prepare = async (input: Record<string, unknown>, details?: string) => {
    const response = details
      ? await waves.upload(PREPARE, { input }, details, 'details.csv', 'marketDetails')
      : await waves.call(PREPARE, { input });
    if (response.errors) return { errors: response.errors };
    return { job: await waves.waitForJob(response.data.prepareWave.id) };
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wave-prep-'));
    waves = await startWaveServer();
    await storeCampaign(waves.app, 'tour', [market('nyc', 'US', 2), market('lon', 'GB')]);
    await storeFans(waves.app, 'tour', [
      {
        userId: 'a',
        firstName: 'Ann',
        phone: '+12125550101',
        score: 0.9,
        verdict: true,
        markets: ['nyc'],
        consent: true,
      },
      { userId: 'b', firstName: 'Bob', score: 0.8, verdict: true, markets: ['nyc', 'lon'] },
      { userId: 'c', firstName: 'Cy', phone: '+442079460018', score: 0.7, verdict: true, markets: ['nyc', 'lon'] },
      {
        userId: 'd',
        firstName: 'Dee',
        phone: '+12125550104',
        score: 0.95,
        verdict: true,
        markets: ['nyc'],
        code: 'NT-OLD',
      },
      { userId: 'e', firstName: 'Eve', score: 0.4, verdict: true },
      { userId: 'f', firstName: 'Fay', score: 0.99, verdict: false },
      { userId: 'g', firstName: 'Gus', score: 0.6, verdict: null },
    ]);
    await storePool(waves.app, 'tour', 'p1', [
      'NT-0001',
      'NT-0002',
      'NT-0003',
      'NT-0004',
      'NT-0005',
      'NT-0006',
      'NT-0007',
    ]);
  });
  afterAll(async () => {
    await waves.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('selects eligible fans into markets with room, reserves their codes and zips the three files', async () => {
    const { job } = await prepare({ campaignId: 'tour', dateKey: '2026-06-01', minScore: 0.5 }, DETAILS);
    expect(job).toMatchObject({ status: 'SUCCEEDED', result: { selected: 3, codesReserved: 3 } });
    const { wavePrep } = await waves.gql(PREP, { id: job.result.prepId }, waves.viewer);
    expect(wavePrep).toMatchObject({
      status: 'PREPPED',
      dateKey: '2026-06-01',
      selected: 3,
      objectKey: 'wavePrep/tour/prepped/prepped.2026-06-01.zip',
      perMarket: [
        { market: 'nyc', count: 1 },
        { market: 'lon', count: 2 },
      ],
    });
    const files = await zipFiles(wavePrep.download.url);
    expect(Object.keys(files)).toEqual(['emails.csv', 'masterCodes.csv', 'smsSELECTED.csv']);
    const header =
      'userId,email,phone,firstName,market,selectedEvents,code,codeKind,smsConsent,marketName,city,timeZone,eventdate,venue';
    expect(files['masterCodes.csv']).toBe(
      csv(
        header,
        'a,a@example.com,+12125550101,Ann,nyc,nyc,NT-0001,NON_TM,yes,Arena nyc,nyc,America/New_York,2026-07-01,Madison Square Garden',
        'b,b@example.com,,Bob,lon,lon,NT-0002,NON_TM,,Arena lon,lon,Europe/London,2026-07-03,"The O2, London"',
        'c,c@example.com,+442079460018,Cy,lon,lon,NT-0003,NON_TM,,Arena lon,lon,Europe/London,2026-07-03,"The O2, London"',
      ),
    );
    expect(
      files['emails.csv']!.split('\n')
        .filter(Boolean)
        .map((line) => line.split(',')[0]),
    ).toEqual(['userId', 'b']);
    expect(
      files['smsSELECTED.csv']!.split('\n')
        .filter(Boolean)
        .map((line) => line.split(',')[0]),
    ).toEqual(['userId', 'a', 'c']);
    const reserved = await waves.app.db
      .collection<CodeDoc>(CODES)
      .find({ waveId: job.result.prepId, state: 'RESERVED' })
      .toArray();
    expect(reserved.map((code) => code._id).sort()).toEqual(['NT-0001', 'NT-0002', 'NT-0003']);
  });

  it('makes a wave from the prep whose trigger assigns the reserved codes', async () => {
    const { job } = await prepare({ campaignId: 'tour', dateKey: 'wave-2', minScore: 0.5 }, DETAILS);
    const prepId = job.result.prepId;
    const config = waveConfig('tour', {
      messageTemplate: 'Hi {{firstName}}: {{venue}} on {{eventDate}}, code {{code}}',
      emailSubjectTemplate: 'Your code',
      emailTemplate: 'Hi {{firstName}}, your code is {{code}}',
    });
    const made = await waves.gql(FROM_PREP, { prepId, config });
    const built = await waves.waitForJob(made.createWaveFromPrep.id);
    expect(built.result).toMatchObject({ waveId: prepId, kept: 3, rejected: 0 });
    const messages = await messagesOf(waves.app, prepId);
    expect(messages.map((message) => [message.userId, message.phone, message.text])).toEqual([
      ['a', '+12125550101', `Hi Ann: Madison Square Garden on 2026-07-01, code ${messages[0]!.code}`],
      ['b', null, `Hi Bob: The O2, London on 2026-07-03, code ${messages[1]!.code}`],
      ['c', '+442079460018', `Hi Cy: The O2, London on 2026-07-03, code ${messages[2]!.code}`],
    ]);
    expect((await waveDoc(waves.app, prepId))?.prepId).toBe(prepId);
    const again = await waves.call(FROM_PREP, { prepId, config });
    expect(again.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    const reprep = await prepare({ campaignId: 'tour', dateKey: 'wave-2', minScore: 0.5 });
    expect(reprep.errors?.[0]).toMatchObject({
      extensions: { code: 'CONFLICT' },
      message: expect.stringContaining('already made wave'),
    });
    await waves.app.db
      .collection<WaveDoc>(WAVES)
      .updateOne({ _id: prepId }, { $set: { status: 'PAUSED', sendRuns: 1, startedAt: new Date() } });
    await waves.services.lifecycle.trigger(prepId, 1, { lastAttempt: false });
    const entries = await waves.app.db
      .collection<FanEntryDoc>(FAN_ENTRIES)
      .find({ _id: { $in: ['tour:a', 'tour:b', 'tour:c'] } }, { sort: { _id: 1 } })
      .toArray();
    expect(entries.map((entry) => [entry.userId, entry.code, entry.verdict])).toEqual(
      messages.map((message) => [message.userId, message.code, true]),
    );
    expect(await waves.app.db.collection<CodeDoc>(CODES).countDocuments({ waveId: prepId, state: 'ASSIGNED' })).toBe(3);
  });

  it('fails a prep whose pools cannot cover its fans, and refuses bad input with coded errors', async () => {
    await storeCampaign(waves.app, 'small');
    await storeFans(waves.app, 'small', [
      { userId: 'x', score: 0.9, verdict: true },
      { userId: 'y', score: 0.8, verdict: true },
    ]);
    await storePool(waves.app, 'small', 'p', ['SM-0001']);
    const { job } = await prepare({ campaignId: 'small', dateKey: 'k1' });
    expect(job).toMatchObject({
      status: 'FAILED',
      error: { code: 'CONFLICT', message: expect.stringContaining('1 free') },
    });
    expect((await waves.gql(PREP, { id: job.params.prepId })).wavePrep).toMatchObject({
      status: 'FAILED',
      download: null,
    });
    expect(
      await waves.app.db.collection<CodeDoc>(CODES).countDocuments({ campaignId: 'small', state: 'RESERVED' }),
    ).toBe(0);
    expect((await prepare({ campaignId: 'nope', dateKey: 'k1' })).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect((await prepare({ campaignId: 'small', dateKey: 'a/b' })).errors?.[0]?.extensions?.code).toBe(
      'BAD_USER_INPUT',
    );
    expect((await prepare({ campaignId: 'small', dateKey: 'k2', minScore: 2 })).errors?.[0]?.extensions?.field).toBe(
      'minScore',
    );
    const details = await prepare({ campaignId: 'small', dateKey: 'k3' }, csv('market,venue', 'mars,Crater'));
    expect(details.errors?.[0]).toMatchObject({
      extensions: { code: 'BAD_USER_INPUT' },
      message: expect.stringContaining('line 2'),
    });
  });
});
