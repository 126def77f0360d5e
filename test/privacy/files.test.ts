import ExcelJS from 'exceljs';
import { fansFeature } from '../../src/features/fans';
import { FANLIST_RANKS_JOB } from '../../src/services/fans/scoring/fanlistRanks';
import { zipArchive } from '../../src/services/waves/prep/zipArchive';
import { readZipDirectory } from '../../src/services/uploads/zipDirectory';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buffer, text } from 'node:stream/consumers';
import { xlsxOf } from '../leads/wsSupport';
import {
  BOB,
  JANE,
  csv,
  objectText,
  seedCampaign,
  seedFans,
  SENDER,
  startPrivacyServer,
  type PrivacyServer,
} from './privacySupport';

const ERASE = `mutation($email: String, $phone: String) { erasePerson(email: $email, phone: $phone) { id } }`;

describe('erasure in files: fanlists, wave prep zips, .xlsx wave uploads, recipient exports', () => {
  let s: PrivacyServer;
  let campaignId: string;
  let dir: string;
  const zipKey = () => `wavePrep/${campaignId}/prepped/prepped.k1.zip`;

  const zipFiles = async (key: string) => {
    const path = join(dir, `${Date.now()}.zip`);
    await writeFile(path, await buffer((await s.app.ports.objects.get(key))!.body));
    const files: Record<string, string> = {};
    for (const file of await readZipDirectory(path)) files[file.path] = await text(file.stream());
    return files;
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'privacy-files-'));
    s = await startPrivacyServer();
    campaignId = await seedFans(s);
    const fanlist = await s.upload(
      `mutation($file: Upload!, $campaignId: ID!) { uploadFanlistRanks(file: $file, campaignId: $campaignId) { id } }`,
      { campaignId },
      csv('rank,userId,email', '1,u-bob,', `2,,${JANE.email}`),
      'ranks.csv',
    );
    expect((await s.waitForJob(fanlist.uploadFanlistRanks.id)).status).toBe('SUCCEEDED');
    const emails = csv('userId,email,firstName', `u-jane,${JANE.email},Jane`, `u-bob,${BOB.email},Bob`);
    const sms = csv('userId,phone,firstName', `u-jane,"+1 212-555-0199",Jane`, `u-bob,${BOB.phone},Bob`);
    await s.app.ports.objects.put(
      zipKey(),
      zipArchive([
        { name: 'emails.csv', data: Buffer.from(emails) },
        { name: 'smsSELECTED.csv', data: Buffer.from(sms) },
      ]),
      'application/zip',
    );
    const xlsx = await xlsxOf([
      ['userId', 'email', 'phone', 'firstName', 'market'],
      ['u-jane', JANE.email, JANE.phone, 'Jane', 'nyc'],
      ['u-bob', BOB.email, BOB.phone, 'Bob', 'nyc'],
    ]);
    const wave = await s.upload(
      `mutation($file: Upload!, $config: WaveConfigInput!) { uploadWave(file: $file, config: $config) { id } }`,
      {
        config: {
          campaignId,
          notifyDate: new Date(Date.now() + 3_600_000).toISOString(),
          messageTemplate: 'Hi {{firstName}}',
          sender: SENDER,
          messageType: 'TRANSACTIONAL',
        },
      },
      xlsx,
      'wave.xlsx',
    );
    expect((await s.waitForJob(wave.uploadWave.id)).status).toBe('SUCCEEDED');
    const emailCampaign = await seedCampaign(s);
    await s.gql(`mutation($id: ID!) { exportCampaignRecipients(id: $id) { key rows } }`, { id: emailCampaign });
  });
  afterAll(async () => {
    await s.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('rewrites each file without the person, leaves the others, and a dropped fanlist is not processed again', async () => {
    const [fanlist] = await s.app.ports.objects.list(`fanlist/uploaded/${campaignId}/ranks.csv`);
    const [xlsxUpload] = (await s.app.ports.objects.list('uploads/waves/')).filter((o) => o.key.endsWith('.xlsx'));
    expect(xlsxUpload).toBeDefined();
    const started = await s.gql(ERASE, { email: JANE.email, phone: JANE.phone });
    const job = await s.waitForJob(started.erasePerson.id);
    expect(job.status).toBe('SUCCEEDED');
    const files = Object.fromEntries(job.result.files.map((f: any) => [f.family, f]));
    expect(files.fanlists).toEqual({ family: 'fanlists', files: 1, rows: 1 });
    expect(files.scoredFanlists).toEqual({ family: 'scoredFanlists', files: 1, rows: 1 });
    expect(files.wavePrepFiles).toEqual({ family: 'wavePrepFiles', files: 1, rows: 2 });
    expect(files.waveUploads).toEqual({ family: 'waveUploads', files: 1, rows: 1 });
    expect(files.recipientExports).toEqual({ family: 'recipientExports', files: 1, rows: 1 });

    expect(await objectText(s.app, fanlist!.key)).toBe(csv('rank,userId,email', '1,u-bob,'));
    const zipped = await zipFiles(zipKey());
    expect(zipped['emails.csv']).toBe(csv('userId,email,firstName', `u-bob,${BOB.email},Bob`));
    expect(zipped['smsSELECTED.csv']).toBe(csv('userId,phone,firstName', `u-bob,${BOB.phone},Bob`));
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await buffer((await s.app.ports.objects.get(xlsxUpload!.key))!.body)) as never);
    const sheetRows = (workbook.worksheets[0]!.getSheetValues() as unknown[][])
      .filter(Boolean)
      .map((row) => row.slice(1));
    expect(sheetRows).toEqual([
      ['userId', 'email', 'phone', 'firstName', 'market'],
      ['u-bob', BOB.email, BOB.phone, 'Bob', 'nyc'],
    ]);
    const [exported] = await s.app.ports.objects.list('exports/campaigns/');
    const recipients = (await objectText(s.app, exported!.key))!;
    expect(recipients).not.toContain(JANE.email);
    expect(recipients).toContain(BOB.email);

    const [rewritten] = await s.app.ports.objects.list(fanlist!.key);
    await s.server.servicesOf(fansFeature).fanlist.found(rewritten!);
    const jobs = await s.app.db.collection('jobs').countDocuments({ type: FANLIST_RANKS_JOB });
    expect(jobs).toBe(1);
  });
});
