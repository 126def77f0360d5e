import { SMS_OUTBOX_COLLECTION, type SmsOutboxDocument } from '../../src/datasources/sms';
import { RATE_LIMITS, type RateLimitDoc } from '../../src/services/rateLimiter/storeBuckets';
import { OPT_OUTS, type OptOutDoc } from '../../src/services/waves/model';
import { enqueueSend, storeWave, waveOf } from '../waves/sendSupport';
import {
  audienceOf,
  campaignOf,
  messagesOfWave,
  mobileCampaign,
  recipientDocs,
  recipientsOf,
  sendNow,
  startMobileServer,
  waitFor,
  waitForCampaign,
  waveOfCampaign,
  type MobileServer,
} from './mobileSupport';

const HEADER = 'email,name,phone,country,timeZone,smsConsent,city';
const SENDER = '+18005550100';

describe('MOBILE campaigns, texted through the SMS waves on the outbox engine', () => {
  let mobile: MobileServer;
  beforeAll(async () => {
    mobile = await startMobileServer();
  });
  afterAll(() => mobile.stop());

  const textsTo = (waveId: string) =>
    mobile.app.db.collection<SmsOutboxDocument>(SMS_OUTBOX_COLLECTION).find({ 'metadata.waveId': waveId }).toArray();
  const statsOf = async (id: string) =>
    (
      await mobile.ok(
        `query($id: ID!) { campaignStats(id: $id) { audienceSize sent sms {
          waveId waveStatus texts notTexted noPhone noSmsConsent textNotSendable archived optedOut
          sent delivered undelivered failed expired uncertain skipped segments } } }`,
        { id },
      )
    ).campaignStats;

  let audienceId: string;
  let firstCampaign: string;

  it('texts the members who can take it, skips the others with the reason, and follows the receipts to SENT', async () => {
    await mobile.app.db.collection<OptOutDoc>(OPT_OUTS).insertOne({
      _id: 'acme:+14155550105',
      brand: 'acme',
      phone: '+14155550105',
      source: 'keyword:STOP',
      at: new Date(),
    });
    const audience = await audienceOf(
      mobile,
      'Texting list',
      HEADER,
      'ann@example.com,Ann,+14155550101,,America/Chicago,yes,Boston',
      'bob@example.com,Bob,(415) 555-0102,,,2025-06-01T00:00:00Z,Austin',
      'cat@example.com,Cat,,,,yes,Paris',
      'dan@example.com,Dan,+14155550104,,,no,Rome',
      'eve@example.com,Eve,+14155550105,,,yes,Oslo',
      'fay@example.com,Fay,07911 123456,GB,Europe/London,yes,Leeds',
      // the outbox answers these as Twilio's magic numbers: invalid number, opted out
      'gus@example.com,Gus,+15005550001,,,yes,Lima',
      'hal@example.com,Hal,+15005550004,,,yes,Kyiv',
      'ivy@example.com,Ivy,12,,,yes,Bonn',
      'jon@example.com,Jon,+14155550110,,Mars/Base,yes,Nice',
      'kim@example.com,Kim,+14155550111,,,perhaps,Graz',
    );
    audienceId = audience.audienceId;
    expect(audience.imported.counts).toMatchObject({ rows: 11, accepted: 8, rejected: 3 });
    expect(audience.imported.rejects).toEqual([
      {
        rowNumber: 10,
        email: 'ivy@example.com',
        reason: expect.stringMatching(/^phone: 12 is not a valid phone number/),
      },
      { rowNumber: 11, email: 'jon@example.com', reason: expect.stringMatching(/^timeZone: Mars\/Base/) },
      { rowNumber: 12, email: 'kim@example.com', reason: expect.stringMatching(/^smsConsent: perhaps/) },
    ]);
    const { members } = await mobile.ok(
      '{ members(email: "bob@example.com", first: 1) { edges { node { phone timeZone smsConsentAt attributes } } } }',
    );
    expect(members.edges[0].node).toEqual({
      phone: '+14155550102',
      timeZone: null,
      smsConsentAt: '2025-06-01T00:00:00.000Z',
      attributes: { city: 'Austin' },
    });

    firstCampaign = await mobileCampaign(mobile, {
      audienceId,
      sms: { sender: SENDER, senderKind: 'SHORT_CODE', messageType: 'PROMOTIONAL', brand: 'acme' },
    });
    await sendNow(mobile, firstCampaign);
    await waitForCampaign(mobile, firstCampaign, 'SENT');
    // the receipts come after the wave ended
    const stats = await waitFor(async () => {
      const current = await statsOf(firstCampaign);
      return current.sms?.delivered === 3 ? current : null;
    });
    expect(stats.sms).toEqual({
      waveId: expect.any(String),
      waveStatus: 'SENT',
      texts: 5,
      notTexted: 3,
      noPhone: 1,
      noSmsConsent: 1,
      textNotSendable: 0,
      archived: 0,
      optedOut: 2,
      sent: 3,
      delivered: 3,
      undelivered: 0,
      failed: 1,
      expired: 0,
      uncertain: 0,
      skipped: 1,
      segments: 3,
    });
    expect(stats).toMatchObject({ audienceSize: 8, sent: 3 });
    expect(await recipientsOf(mobile, firstCampaign)).toEqual({
      'ann@example.com': ['SENT', null],
      'bob@example.com': ['SENT', null],
      'cat@example.com': ['SKIPPED', 'NO_PHONE'],
      'dan@example.com': ['SKIPPED', 'NO_SMS_CONSENT'],
      'eve@example.com': ['SKIPPED', 'OPTED_OUT'],
      'fay@example.com': ['SENT', null],
      'gus@example.com': ['FAILED', 'INVALID_RECIPIENT'],
      'hal@example.com': ['SKIPPED', 'OPTED_OUT'],
    });
    // statuses only moved forward to what the receipts said, each text once at the provider
    const wave = (await waveOfCampaign(mobile, firstCampaign))!;
    expect(wave.config).toMatchObject({
      sender: SENDER,
      brand: 'acme',
      messageType: 'PROMOTIONAL',
      segmentsPerSecond: 100,
    });
    const messages = await messagesOfWave(mobile.app, wave._id);
    expect(messages.map((message) => [message.phone, message.status, message.timeZone])).toEqual([
      ['+14155550101', 'DELIVERED', 'America/Chicago'],
      ['+14155550102', 'DELIVERED', 'America/New_York'],
      ['+447911123456', 'DELIVERED', 'Europe/London'],
      ['+15005550001', 'FAILED', 'America/New_York'],
      ['+15005550004', 'SKIPPED', 'America/New_York'],
    ]);
    const texts = await textsTo(wave._id);
    expect(texts.map((text) => [text.to, text.body]).sort()).toEqual([
      ['+14155550101', 'Hi Ann, Boston sale today. STOP to end'],
      ['+14155550102', 'Hi Bob, Austin sale today. STOP to end'],
      ['+447911123456', 'Hi Fay, Leeds sale today. STOP to end'],
    ]);
    expect(texts.every((text) => text.sender === SENDER && text.metadata.campaignId === firstCampaign)).toBe(true);
    // the provider's opted-out answer put the number on the brand's list
    expect(await mobile.app.db.collection<OptOutDoc>(OPT_OUTS).findOne({ _id: 'acme:+15005550004' })).toMatchObject({
      source: 'provider:21610',
    });
    const { campaign } = await mobile.ok(
      'query($id: ID!) { campaign(id: $id) { status smsWaveId smsWave { status counts { total sms delivered } } } }',
      { id: firstCampaign },
    );
    expect(campaign).toEqual({
      status: 'SENT',
      smsWaveId: wave._id,
      smsWave: { status: 'SENT', counts: { total: 5, sms: 3, delivered: 3 } },
    });
  });

  it("a STOP to the campaign's sender keeps the number out of the brand's next campaign", async () => {
    await mobile.sms.simulateInbound('+14155550101', 'stop');
    await waitFor(() => mobile.app.db.collection<OptOutDoc>(OPT_OUTS).findOne({ _id: 'acme:+14155550101' }));
    const next = await mobileCampaign(mobile, {
      audienceId,
      name: 'Receipts',
      text: 'Hi {{name}}, your receipt is ready',
      // transactional: no recorded consent needed
      sms: { sender: SENDER, senderKind: 'SHORT_CODE', messageType: 'TRANSACTIONAL', brand: 'acme' },
    });
    await sendNow(mobile, next);
    await waitForCampaign(mobile, next, 'SENT');
    expect(await recipientsOf(mobile, next)).toMatchObject({
      'ann@example.com': ['SKIPPED', 'OPTED_OUT'],
      'bob@example.com': ['SENT', null],
      'dan@example.com': ['SENT', null],
      'hal@example.com': ['SKIPPED', 'OPTED_OUT'],
    });
    const wave = (await waveOfCampaign(mobile, next))!;
    expect((await textsTo(wave._id)).map((text) => text.to).sort()).toEqual([
      '+14155550102',
      '+14155550104',
      '+447911123456',
    ]);
  });

  it("shares the sender's limiter with the waves: one bucket per sender holds both", async () => {
    const sender = '+18005550177';
    const rate = 20;
    const lines = Array.from({ length: 10 }, (_, i) => `m${i}@rate.example.com,M${i},+1415555012${i},,,yes,Rome`);
    const { audienceId: audience } = await audienceOf(mobile, 'Rate', HEADER, ...lines);
    const campaignId = await mobileCampaign(mobile, {
      audienceId: audience,
      sms: { sender, senderKind: 'SHORT_CODE', messageType: 'PROMOTIONAL', segmentsPerSecond: rate },
    });
    const wave = await storeWave(mobile.app.db, {
      recipients: 10,
      config: { sender, senderKind: 'SHORT_CODE', segmentsPerSecond: rate, brand: sender },
    });
    const startedBefore = Date.now();
    await Promise.all([sendNow(mobile, campaignId), enqueueSend(mobile.app, wave._id)]);
    await waitForCampaign(mobile, campaignId, 'SENT');
    await waitFor(async () => (await waveOf(mobile.app.db, wave._id)).status === 'SENT');
    const buckets = mobile.app.db.collection<RateLimitDoc>(RATE_LIMITS);
    const bucket = (await buckets.findOne({ _id: `sms:sender:${sender}` }))!;
    // 20 segments through one bucket at 20 a second: its theoretical arrival time is a second on
    // from the first grant at least (two buckets of 10 would each be half that)
    expect(bucket.tat - startedBefore).toBeGreaterThanOrEqual((20 * 1000) / rate - 1);
    expect(bucket.ratePerSecond).toBe(rate);
    expect(await buckets.findOne({ _id: 'sms:global' })).not.toBeNull();
  });

  it('pauses, resumes and cancels its wave with the campaign', async () => {
    const lines = Array.from({ length: 8 }, (_, i) => `p${i}@pause.example.com,P${i},+1415555013${i},,,yes,Rome`);
    const { audienceId: audience } = await audienceOf(mobile, 'Pause', HEADER, ...lines);
    const campaignId = await mobileCampaign(mobile, {
      audienceId: audience,
      sms: { sender: '+18005550188', senderKind: 'SHORT_CODE', messageType: 'PROMOTIONAL', segmentsPerSecond: 2 },
    });
    await sendNow(mobile, campaignId);
    await waitFor(async () => ((await waveOfCampaign(mobile, campaignId))?.counts.sms ?? 0) >= 1);
    await mobile.ok('mutation($id: ID!) { pauseCampaign(id: $id) { status } }', { id: campaignId });
    await waitFor(async () => (await waveOfCampaign(mobile, campaignId))?.status === 'PAUSED');
    const paused = (await waveOfCampaign(mobile, campaignId))!;
    expect((await messagesOfWave(mobile.app, paused._id)).some((message) => message.status === 'PENDING')).toBe(true);

    await mobile.ok('mutation($id: ID!) { resumeCampaign(id: $id) { id } }', { id: campaignId });
    await waitFor(async () => (await waveOfCampaign(mobile, campaignId))?.status === 'SENDING');
    expect((await campaignOf(mobile, campaignId)).status).toBe('SENDING');
    await mobile.ok('mutation($id: ID!) { cancelCampaign(id: $id) { status } }', { id: campaignId });
    const wave = await waitFor(async () => {
      const current = await waveOfCampaign(mobile, campaignId);
      const messages = await messagesOfWave(mobile.app, current!._id);
      const settled = messages.every((message) => !['PENDING', 'SENDING'].includes(message.status));
      return current?.status === 'CANCELLED' && settled ? current : null;
    });
    const recipients = await waitFor(async () => {
      const docs = await recipientDocs(mobile.app, campaignId);
      return docs.every((doc) => doc.status !== 'PENDING') ? docs : null;
    });
    expect((await campaignOf(mobile, campaignId)).status).toBe('CANCELLED');
    const sent = recipients.filter((doc) => doc.status === 'SENT');
    expect(sent.length).toBe((await textsTo(wave._id)).length);
    expect(sent.length).toBeLessThan(8);
    expect(recipients.filter((doc) => doc.status !== 'SENT').every((doc) => doc.reason === 'CANCELLED')).toBe(true);
  });

  describe('bad input: a coded error naming the field, nothing changed', () => {
    const create = `mutation($i: CampaignInput!) { createCampaign(input: $i) { id } }`;
    let refs: { templateId: string; emailTemplateId: string; senderId: string };

    beforeAll(async () => {
      const { createSender } = await mobile.ok(
        'mutation { createSender(input: { name: "S", email: "s@bad.example.com" }) { id } }',
      );
      const { sms } = await mobile.ok(
        'mutation { sms: createTemplate(input: { name: "T", type: "sms", subject: "", sms: "Hi {{name}}" }) { id } }',
      );
      const { mail } = await mobile.ok(
        'mutation { mail: createTemplate(input: { name: "M", type: "plain", subject: "S", text: "Hi" }) { id } }',
      );
      refs = { templateId: sms.id, emailTemplateId: mail.id, senderId: createSender.id };
    });
    const input = (fields: Record<string, unknown>) => ({
      i: {
        name: 'Bad',
        templateId: refs.templateId,
        senderId: refs.senderId,
        audienceIds: [audienceId],
        type: 'MOBILE',
        ...fields,
      },
    });
    const sms = { sender: SENDER, messageType: 'PROMOTIONAL' };

    it.each([
      ['no SMS settings', {}, 'sms'],
      ['no sender', { sms: { ...sms, sender: '  ' } }, 'input.sms.sender'],
      [
        'a rate above the sender cap',
        { sms: { ...sms, senderKind: 'SHORT_CODE', segmentsPerSecond: 101 } },
        'sms.segmentsPerSecond',
      ],
      ['a validity of no use', { sms: { ...sms, validitySeconds: 5 } }, 'input.sms.validitySeconds'],
      ['a template without an SMS text', { sms, templateId: 'EMAIL' }, 'templateId'],
    ])('createCampaign with %s', async (_case, fields, field) => {
      const given = { ...fields } as Record<string, unknown>;
      if (given.templateId === 'EMAIL') given.templateId = refs.emailTemplateId;
      expect(await mobile.refused(create, input(given))).toMatchObject({ code: 'BAD_USER_INPUT', field });
    });

    it('a template whose SMS text is over 1,600 characters', async () => {
      const refused = await mobile.refused('mutation($i: TemplateInput!) { createTemplate(input: $i) { id } }', {
        i: { name: 'Long', type: 'sms', subject: '', sms: 'x'.repeat(1601) },
      });
      expect(refused).toMatchObject({
        code: 'BAD_USER_INPUT',
        field: 'input.sms',
        message: expect.stringContaining('1,600'),
      });
    });

    it('members: a phone or a time zone that cannot be read', async () => {
      const member = 'mutation($i: MemberInput!) { createMember(input: $i) { phone smsConsentAt } }';
      expect(await mobile.refused(member, { i: { email: 'x1@bad.example.com', phone: '12' } })).toMatchObject({
        code: 'BAD_USER_INPUT',
        field: 'phone',
      });
      expect(await mobile.refused(member, { i: { email: 'x2@bad.example.com', timeZone: 'Mars/Base' } })).toMatchObject(
        {
          code: 'BAD_USER_INPUT',
          field: 'input.timeZone',
        },
      );
      const { createMember } = await mobile.ok(member, {
        i: { email: 'x3@bad.example.com', phone: '(415) 555-0199', smsConsent: true },
      });
      expect(createMember).toEqual({ phone: '+14155550199', smsConsentAt: expect.any(String) });
    });

    it('the launch checks again: a template that lost its SMS text, and AD campaigns, are refused and stay DRAFT', async () => {
      const { createTemplate } = await mobile.ok(
        'mutation { createTemplate(input: { name: "Soon gone", type: "sms", subject: "", sms: "Hi" }) { id } }',
      );
      const { createCampaign } = await mobile.ok(create, input({ sms, templateId: createTemplate.id }));
      await mobile.ok('mutation($id: ID!) { updateTemplate(id: $id, input: { sms: null }) { id } }', {
        id: createTemplate.id,
      });
      const launch = 'mutation($id: ID!) { sendCampaignNow(id: $id) { id } }';
      expect(await mobile.refused(launch, { id: createCampaign.id })).toMatchObject({
        code: 'BAD_USER_INPUT',
        field: 'templateId',
      });
      const { updateCampaign } = await mobile.ok(
        'mutation($id: ID!) { updateCampaign(id: $id, input: { type: AD }) { id } }',
        { id: createCampaign.id },
      );
      expect(await mobile.refused(launch, { id: updateCampaign.id })).toMatchObject({
        code: 'BAD_USER_INPUT',
        field: 'type',
      });
      expect((await campaignOf(mobile, createCampaign.id)).status).toBe('DRAFT');
    });
  });
});
