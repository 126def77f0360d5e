import { OUTBOX_COLLECTION } from '../../src/datasources/messaging/port';
import { SMS_OUTBOX_COLLECTION } from '../../src/datasources/sms';
import { fansFeature } from '../../src/features/fans';
import { REDACTED } from '../../src/services/audit/auditArguments';
import { AUDIT_LOG_COLLECTION, type AuditEntryDocument } from '../../src/services/audit/auditLog';
import { privacyFeature } from '../../src/features/privacy';
import { C } from '../../src/services/campaigns/model';
import { dayPrefixOf, parseLakePrefix } from '../../src/services/fans/lake/lakePrefix';
import { FAN_ENTRIES } from '../../src/services/fans/model';
import { personMatcher } from '../../src/services/privacy/files/personMatcher';
import { lakeObjects, personRecordsIn } from '../../src/services/privacy/lake/lakeFiles';
import { SUPPRESSIONS } from '../../src/services/suppression/suppressionList';
import { WAVE_MESSAGES, type WaveMessageDoc } from '../../src/services/waves/model';
import {
  BOB,
  JANE,
  csv,
  objectText,
  seedCampaign,
  seedClicks,
  seedFans,
  seedLeads,
  seedWave,
  syncClicks,
  SENDER,
  startPrivacyServer,
  waitFor,
  type PrivacyServer,
} from './privacySupport';

const PERSONAL_DATA = `query($email: String, $phone: String, $ids: Int) {
  personalData(email: $email, phone: $phone, idsPerCollection: $ids) {
    email phone totalDocuments collections { collection domain action count ids idsTruncated }
  }
}`;
const ERASE = `mutation($email: String, $phone: String) { erasePerson(email: $email, phone: $phone) { id type status } }`;
const EXPORT = `mutation($email: String, $phone: String) { exportPersonalData(email: $email, phone: $phone) { id } }`;
const EXPORTED = `query($id: ID!) { personalDataExport(jobId: $id) { id documents fileRows lakeRecords download { url } } }`;

describe('personal data: look-up, export and erasure across the domains', () => {
  let s: PrivacyServer;
  let fanCampaign: string;
  let waveId: string;
  let emailCampaign: string;

  /** What the domains count, which an erasure must leave as it was. */
  const figures = async () => {
    const wave = await s.gql(`query($id: ID!) { wave(id: $id) { counts { total ok sms delivered skipped } } }`, {
      id: waveId,
    });
    const clicks = await s.gql(`{ clickStats(filter: { bu: "NA" }) { totalClicks uniqueClickers } }`);
    const campaign = await s.gql(`query($id: ID!) { campaignStats(id: $id) { audienceSize sent } }`, {
      id: emailCampaign,
    });
    const entries = await s.app.db.collection(FAN_ENTRIES).countDocuments({ campaignId: fanCampaign });
    return { wave: wave.wave.counts, clicks: clicks.clickStats, campaign: campaign.campaignStats, entries };
  };

  /** Every record of every lake file, as text. */
  const lakeText = async () => {
    const everyone = personMatcher({ emails: [JANE.email, BOB.email], phones: [JANE.phone, BOB.phone], userIds: [] });
    const records = [];
    for (const object of await lakeObjects(s.app.ports.objects)) {
      records.push(...(await personRecordsIn(s.app.ports.objects, object.key, everyone)));
    }
    return JSON.stringify(records);
  };

  beforeAll(async () => {
    s = await startPrivacyServer();
    fanCampaign = await seedFans(s);
    waveId = await seedWave(s, fanCampaign);
    emailCampaign = await seedCampaign(s);
    await seedLeads(s);
    await seedClicks(s);
  });
  afterAll(() => s.stop());

  it('lists the documents of a person in every domain, by collection, to admins only', async () => {
    const response = await s.call(PERSONAL_DATA, { email: ' JANE@example.com ', phone: '+1 212 555 0199', ids: 5 });
    expect(response.errors).toBeUndefined();
    const found = response.data.personalData;
    expect(found).toMatchObject({ email: JANE.email, phone: JANE.phone });
    const byCollection = Object.fromEntries(found.collections.map((c: any) => [c.collection, c]));
    expect(Object.keys(byCollection).sort()).toEqual(
      [
        'audience_members',
        'campaign_recipients',
        'email_click_events',
        'fanEntries',
        'leads',
        'members',
        'optOuts',
        'outbox',
        'sfmc_click_log',
        'smsInbound',
        'smsOutbox',
        'smsOutboxOptOuts',
        'subscribers',
        'waveMessages',
      ].sort(),
    );
    expect(byCollection.fanEntries).toMatchObject({
      domain: 'fans',
      action: 'ANONYMIZE',
      count: 1,
      ids: [`${fanCampaign}:u-jane`],
    });
    expect(byCollection.optOuts).toMatchObject({ action: 'DELETE', ids: [`brand-a:${JANE.phone}`] });
    expect(byCollection.sfmc_click_log).toMatchObject({ count: 2, idsTruncated: false });
    expect(found.totalDocuments).toBe(found.collections.reduce((sum: number, c: any) => sum + c.count, 0));
    const capped = await s.gql(PERSONAL_DATA, { email: JANE.email, ids: 1 });
    const log = capped.personalData.collections.find((c: any) => c.collection === 'sfmc_click_log');
    expect(log).toMatchObject({ count: 2, idsTruncated: true });
    expect(log.ids).toHaveLength(1);

    const denied = await s.call(PERSONAL_DATA, { email: JANE.email }, s.operator);
    expect(denied.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const neither = await s.call(PERSONAL_DATA, {});
    expect(neither.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'email' });
    const badPhone = await s.call(ERASE, { phone: '555 0199' });
    expect(badPhone.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'phone' });
    const tooMany = await s.call(PERSONAL_DATA, { email: JANE.email, ids: 5000 });
    expect(tooMany.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'idsPerCollection' });
  });

  it('exports the documents, file rows and lake records as one JSON file behind a signed link', async () => {
    const started = await s.gql(EXPORT, { email: JANE.email, phone: JANE.phone });
    const job = await s.waitForJob(started.exportPersonalData.id);
    expect(job.status).toBe('SUCCEEDED');
    expect(JSON.stringify(job.params)).not.toContain('jane');
    const exported = (await s.gql(EXPORTED, { id: job._id })).personalDataExport;
    expect(exported.documents).toBeGreaterThan(10);
    expect(exported.fileRows).toBeGreaterThanOrEqual(3);
    expect(exported.lakeRecords).toBeGreaterThanOrEqual(2);
    const link = new URL(exported.download.url);
    const response = await fetch(new URL(`${link.pathname}${link.search}`, s.server.url));
    expect(response.status).toBe(200);
    const data = (await response.json()) as any;
    expect(data.subject).toEqual(JANE);
    expect(data.collections.fanEntries[0]).toMatchObject({ email: JANE.email, firstName: 'Jane' });
    expect(data.collections.members[0]).toMatchObject({ email: JANE.email, name: 'Jane Doe' });
    const fileKeys = data.files.map((file: any) => file.key);
    expect(fileKeys.some((key: string) => key.startsWith('uploads/scored/'))).toBe(true);
    expect(fileKeys.some((key: string) => key.startsWith('scrubbed/'))).toBe(true);
    expect(JSON.stringify(data.files)).not.toContain(BOB.email);
    expect(data.lake.flatMap((file: any) => file.records.map((record: any) => record.userId))).toContain('u-jane');
    const stored = await s.app.db.collection('privacyExports').findOne({ _id: job._id });
    expect(JSON.stringify(stored)).not.toContain('jane');
    expect(await s.app.db.collection('privacyRequests').countDocuments({})).toBe(0);
    const missing = await s.call(EXPORTED, { id: 'no-such-job' });
    expect(missing.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('erases the person everywhere, keeps every count, and lists what it changed', async () => {
    const before = await figures();
    const scrubbedKey = (await s.app.ports.objects.list('scrubbed/'))[0]!.key;
    expect(await objectText(s.app, scrubbedKey)).toContain(JANE.email);
    expect(await lakeText()).toContain(JANE.email);

    const started = await s.gql(ERASE, { email: JANE.email, phone: JANE.phone });
    expect(started.erasePerson.type).toBe('erase-person');
    const job = await s.waitForJob(started.erasePerson.id);
    expect(job.status).toBe('SUCCEEDED');
    // the audit log records the request, never whom it named
    const audited = await s.app.db
      .collection<AuditEntryDocument>(AUDIT_LOG_COLLECTION)
      .findOne({ operation: 'erasePerson' });
    expect(audited?.arguments).toEqual({ email: REDACTED, phone: REDACTED });
    const result = job.result;
    expect(result.changed).toBeGreaterThan(0);
    const store = Object.fromEntries(result.store.map((c: any) => [c.collection, c]));
    expect(store.members).toEqual({ collection: 'members', deleted: 0, anonymized: 1 });
    expect(store.audience_members).toEqual({ collection: 'audience_members', deleted: 1, anonymized: 0 });
    expect(store.fanEntries.anonymized).toBe(1);
    expect(store.optOuts.deleted).toBe(1);
    expect(store.privacyExports.deleted).toBe(1);
    expect(store.leads.deleted + store.leads.anonymized).toBe(1);
    expect(store.email_click_events.anonymized).toBe(1);
    expect(result.files.map((f: any) => f.family).sort()).toEqual([
      'scrubbedFiles',
      'uploadedScoredFiles',
      'waveUploads',
    ]);
    expect(result.lake.records).toBeGreaterThanOrEqual(2);
    expect(result.suppressionsAdded).toBe(2);
    expect(result.suppressed).toBe(true);

    expect(await figures()).toEqual(before);
    const after = await s.gql(PERSONAL_DATA, { email: JANE.email, phone: JANE.phone });
    expect(after.personalData).toMatchObject({ totalDocuments: 0, collections: [] });
    const scrubbed = (await objectText(s.app, scrubbedKey))!;
    expect(scrubbed).not.toContain(JANE.email);
    expect(scrubbed).toContain(BOB.email);
    const lake = await lakeText();
    expect(lake).not.toMatch(/jane|0199|u-jane/i);
    expect(lake).toContain(BOB.email);
    const entry = await s.app.db.collection(FAN_ENTRIES).findOne({ campaignId: fanCampaign, userId: /^erased-/ });
    expect(entry).toMatchObject({ phone: null, firstName: null, smsConsent: null, market: 'nyc' });
    const lakeVerify = await s.server
      .servicesOf(fansFeature)
      .lakeMerge.verify('registration', parseLakePrefix(dayPrefixOf(Date.now())));
    expect(lakeVerify.agrees).toBe(true);
    const member = await s.app.db.collection(C.members).findOne({ email: /@erased\.invalid$/ });
    expect(member).toMatchObject({ name: null, attributes: {} });
    expect(member!.archivedAt).toBeInstanceOf(Date);
    const texts = await s.app.db.collection(SMS_OUTBOX_COLLECTION).find({}).toArray();
    expect(JSON.stringify(texts)).not.toContain(JANE.phone);
    expect(JSON.stringify(await s.app.db.collection(OUTBOX_COLLECTION).find({}).toArray())).not.toContain('jane');
    const erasure = await s.app.db.collection('erasures').findOne({ _id: job._id });
    expect(erasure).toMatchObject({ status: 'DONE' });
    expect(erasure!.suppressions).toHaveLength(2);
    expect(JSON.stringify(job.result)).not.toContain(erasure!.suppressions[0].hash);
    expect(JSON.stringify(erasure)).not.toMatch(/jane|0199/);
    const ledger = await s.app.ports.objects.list('privacy/erasures/');
    expect(ledger).toHaveLength(1);
    expect(await objectText(s.app, ledger[0]!.key)).not.toMatch(/jane|0199/);
    expect(await s.app.db.collection(SUPPRESSIONS).countDocuments({})).toBe(2);
  });

  it('finds nothing the second time, and erasing an unknown person changes nothing', async () => {
    for (const person of [
      { email: JANE.email, phone: JANE.phone },
      { email: 'nobody@nowhere.example' },
      { phone: '+12125550111' },
    ]) {
      const started = await s.gql(ERASE, person);
      const job = await s.waitForJob(started.erasePerson.id);
      expect(job.status).toBe('SUCCEEDED');
      expect(job.result).toMatchObject({ changed: 0, store: [], files: [], suppressionsAdded: 0 });
      expect(job.result.lake).toEqual({ files: 0, records: 0, bufferRecords: 0 });
    }
    expect(await s.app.db.collection(SUPPRESSIONS).countDocuments({})).toBe(2);
  });

  it('keeps the suppressed person from being texted or e-mailed again', async () => {
    const uploaded = await s.upload(
      `mutation($file: Upload!, $config: WaveConfigInput!) { uploadWave(file: $file, config: $config) { id } }`,
      {
        config: {
          campaignId: fanCampaign,
          notifyDate: new Date(Date.now() + 3_600_000).toISOString(),
          messageTemplate: 'Hi {{firstName}}, one more',
          emailSubjectTemplate: 'One more',
          emailTemplate: 'Hi {{firstName}}, one more',
          sender: SENDER,
          messageType: 'TRANSACTIONAL',
          brand: 'brand-b',
        },
      },
      csv('email,phone,firstName,market', `${JANE.email},${JANE.phone},Jane,nyc`, `${BOB.email},${BOB.phone},Bob,nyc`),
      'again.csv',
    );
    const job = await s.waitForJob(uploaded.uploadWave.id);
    const again = job.result.waveId as string;
    await s.gql(`mutation($id: ID!) { sendWaveNow(id: $id) { id } }`, { id: again }, s.operator);
    const messages = await waitFor(async () => {
      const found = await s.app.db.collection<WaveMessageDoc>(WAVE_MESSAGES).find({ waveId: again }).toArray();
      return found.every((message) => !['PENDING', 'SENDING'].includes(message.status)) ? found : null;
    }, 'the second wave');
    const byRow = messages.sort((a, b) => a.row - b.row);
    expect(byRow[0]).toMatchObject({ status: 'SKIPPED', reason: 'SUPPRESSED' });
    expect(byRow[1]!.status).not.toBe('SKIPPED');
    expect(await s.app.db.collection(SMS_OUTBOX_COLLECTION).countDocuments({ to: JANE.phone })).toBe(0);

    const campaign = await seedCampaign(s, 'Summer news');
    const recipients = await s.app.db.collection(C.recipients).find({ campaignId: campaign }).toArray();
    const members = await s.app.db.collection(C.members).find({ email: JANE.email }).toArray();
    expect(members).toHaveLength(1);
    expect(recipients.find((r) => r.memberId === members[0]!._id)).toMatchObject({ status: 'SKIPPED' });
    expect(await s.app.db.collection(OUTBOX_COLLECTION).countDocuments({ to: JANE.email })).toBe(0);
    expect(await s.app.db.collection(OUTBOX_COLLECTION).countDocuments({ to: BOB.email })).toBe(2);
  });

  it('adds clicks synced after the erasure to the pseudonymous subscriber when the person is erased again', async () => {
    const events = () =>
      s.app.db
        .collection('email_click_events')
        .find({}, { sort: { n: 1 } })
        .toArray();
    const clicks = async () => (await s.gql(`{ clickStats(filter: { bu: "NA" }) { totalClicks } }`)).clickStats;
    const before = await clicks();
    // Marketing Cloud still has the person: a click on an old e-mail comes in under their address
    await syncClicks(s, [{ EventID: 'c9', JobID: '100', SubscriberKey: JANE.email, URL: 'https://e.com/a' }], 3);
    expect(await clicks()).toEqual({ totalClicks: before.totalClicks + 1 });
    for (let run = 0; run < 2; run++) {
      const started = await s.gql(ERASE, { email: JANE.email });
      const job = await s.waitForJob(started.erasePerson.id);
      expect(job.status).toBe('SUCCEEDED');
      // the first run also takes what the wave and the campaign of the suppression test stored of her
      const changed = job.result.store.map((c: any) => c.collection);
      if (run === 0) expect(changed).toEqual(expect.arrayContaining(['email_click_events', 'members', 'waveMessages']));
      else expect(changed).toEqual([]);
    }
    expect(await clicks()).toEqual({ totalClicks: before.totalClicks + 1 });
    const [bob, erased] = await events();
    expect(bob).toMatchObject({ n: 1, guids: ['c3'] });
    expect(erased).toMatchObject({ n: 3, overflowN: 3, guids: [] });
    expect(erased!.mergedFrom).toHaveLength(2);
    expect(await events()).toHaveLength(2);
  });

  it('keeps the feature after the domains it reads', async () => {
    const { features } = await import('../../src/features');
    const names = features.map((feature) => feature.name);
    for (const domain of ['campaigns', 'clicks', 'leads', 'fans', 'waves']) {
      expect(names.indexOf(privacyFeature.name)).toBeGreaterThan(names.indexOf(domain));
    }
  });
});
