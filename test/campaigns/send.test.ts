import type { MessagingPort, OutboundMessage, SendOptions } from '../../src/datasources/messaging';
import { OutboxMessaging } from '../../src/datasources/messaging';
import type { JobRecord, Jobs } from '../../src/jobs/jobType';
import { createEntity, entities } from '../../src/services/campaigns/catalog';
import { createCampaign } from '../../src/services/campaigns/campaigns';
import { CampaignLaunch } from '../../src/services/campaigns/launch';
import { C, type CampaignDoc, type MemberDoc, type RecipientDoc } from '../../src/services/campaigns/model';
import { performSend, type CampaignSendParams } from '../../src/services/campaigns/sendCampaign';
import { trackingSite } from '../../src/services/campaigns/trackingSite';
import { privacySecret } from '../../src/services/suppression/privacySecret';
import { SuppressionList } from '../../src/services/suppression/suppressionList';
import { upsertMembersIntoAudience } from '../../src/services/campaigns/upsertMembers';
import { testJobContext } from '../support/jobContext';
import { openCampaignApp, type CampaignApp } from './fixture';

/** Messaging that delivers to the outbox and lets a test act after the n-th delivery. */
class ScriptedMessaging implements MessagingPort {
  readonly engine = 'outbox' as const;
  deliveries = 0;
  afterDelivery: (count: number) => Promise<void> = async () => undefined;
  constructor(private readonly inner: MessagingPort) {}
  async send(message: OutboundMessage, options: SendOptions) {
    const result = await this.inner.send(message, options);
    this.deliveries += 1;
    await this.afterDelivery(this.deliveries);
    return result;
  }
}

/** Enough of the job system for launch(): enqueue records the job, cancel is a no-op. */
function fakeJobs(): Pick<Jobs, 'enqueue' | 'cancel'> {
  let count = 0;
  return {
    enqueue: async (_type, params) => ({ _id: `job-${++count}`, params }) as never,
    cancel: async () => ({}) as never,
  };
}

describe('sending a campaign', () => {
  let app: CampaignApp & { jobs: Pick<Jobs, 'enqueue' | 'cancel'> };
  let messaging: ScriptedMessaging;
  let launch: CampaignLaunch;
  let campaignId: string;
  const AUDIENCE = 450;

  beforeEach(async () => {
    const base = await openCampaignApp({ messaging: (a) => new ScriptedMessaging(new OutboxMessaging(a.db)) });
    app = Object.assign(base, { jobs: fakeJobs() });
    messaging = app.ports.messaging as ScriptedMessaging;
    launch = new CampaignLaunch(app);
    const audience = await createEntity(app.db, entities.audience, { name: 'All' });
    const rows = Array.from({ length: AUDIENCE }, (_, i) => ({
      email: `m${i}@example.com`,
      name: `M${i}`,
      attributes: {},
    }));
    await upsertMembersIntoAudience(app.db, audience._id, rows, { overwrite: false });
    const sender = await createEntity(app.db, entities.sender, { name: 'S', email: 's@example.com' });
    const template = await createEntity(app.db, entities.template, {
      name: 'T',
      type: 'plain',
      subject: 'Hello {{name}}',
      html: '<p>Hi {{name}} <a href="https://example.com/x">x</a></p>',
    });
    campaignId = (
      await createCampaign(app.db, {
        name: 'C',
        templateId: template._id,
        senderId: sender._id,
        audienceIds: [audience._id],
      })
    )._id;
  });
  afterEach(() => app.close());

  const status = async () => (await app.db.collection<CampaignDoc>(C.campaigns).findOne({ _id: campaignId }))!.status;
  const outboxCount = () => app.db.collection('outbox').countDocuments({});
  const distinctOutboxRecipients = async () =>
    new Set((await app.db.collection('outbox').find({}).toArray()).map((m) => m.to)).size;
  const pending = () => app.db.collection<RecipientDoc>(C.recipients).countDocuments({ campaignId, status: 'PENDING' });
  const run = (job: JobRecord) => {
    const sending = {
      db: app.db,
      messaging,
      site: trackingSite(app.config),
      suppressions: new SuppressionList(app.db, privacySecret(app.config)),
    };
    return performSend(sending, job.params as CampaignSendParams, testJobContext({ jobId: job._id }));
  };

  it('sends every recipient once, rendered, and ends SENT', async () => {
    const job = await launch.sendNow(campaignId);
    const result = await run(job);
    expect(result).toEqual({ outcome: 'SENT', audienceSize: AUDIENCE, sent: AUDIENCE });
    expect(await status()).toBe('SENT');
    expect(await outboxCount()).toBe(AUDIENCE);
    const one = await app.db.collection('outbox').findOne({ to: 'm7@example.com' });
    expect(one).toMatchObject({ subject: 'Hello M7', channel: 'EMAIL' });
    expect(one!.html).toMatch(/\/c\/[^"]+\?l=0/);
    expect(one!.html).toMatch(/\/o\/[^"]+\.gif/);
  });

  it('skips a member archived after the freeze, and renders from the member as it is at send time', async () => {
    const job = await launch.sendNow(campaignId);
    const members = app.db.collection<MemberDoc>(C.members);
    messaging.afterDelivery = async (count) => {
      if (count !== 1) return;
      await members.updateOne({ email: 'm449@example.com' }, { $set: { archivedAt: new Date() } });
      await members.updateOne({ email: 'm448@example.com' }, { $set: { name: 'Renamed' } });
    };
    const result = await run(job);
    expect(result).toEqual({ outcome: 'SENT', audienceSize: AUDIENCE, sent: AUDIENCE - 1 });
    expect(await app.db.collection('outbox').findOne({ to: 'm449@example.com' })).toBeNull();
    expect(await app.db.collection('outbox').findOne({ to: 'm448@example.com' })).toMatchObject({
      subject: 'Hello Renamed',
    });
    const archived = await members.findOne({ email: 'm449@example.com' });
    const recipient = await app.db
      .collection<RecipientDoc>(C.recipients)
      .findOne({ campaignId, memberId: archived!._id });
    expect(recipient).toMatchObject({ status: 'SKIPPED', sentAt: expect.any(Date) });
  });

  it('resumes after a crash between delivery and marking: no one twice, no one missed', async () => {
    const job = await launch.sendNow(campaignId);
    // the process "dies" right after the 230th delivery, before its batch is marked sent
    messaging.afterDelivery = async (count) => {
      if (count === 230) throw new Error('simulated crash');
    };
    await expect(run(job)).rejects.toThrow('simulated crash');
    expect(await status()).toBe('SENDING');
    expect(await pending()).toBeGreaterThan(0);
    messaging.afterDelivery = async () => undefined;
    // the job system retries the same job
    const result = await run(job);
    expect(result.outcome).toBe('SENT');
    expect(await outboxCount()).toBe(AUDIENCE);
    expect(await distinctOutboxRecipients()).toBe(AUDIENCE);
    expect(await pending()).toBe(0);
    expect(await app.db.collection<RecipientDoc>(C.recipients).countDocuments({ campaignId, status: 'SENT' })).toBe(
      AUDIENCE,
    );
  });

  it('pauses mid-send, resumes where it stopped, and cancel stops for good', async () => {
    const first = await launch.sendNow(campaignId);
    messaging.afterDelivery = async (count) => {
      if (count === 150) await launch.pause(campaignId);
    };
    const paused = await run(first);
    expect(paused.outcome).toBe('PAUSED');
    expect(await status()).toBe('PAUSED');
    const sentWhilePaused = await outboxCount();
    expect(sentWhilePaused).toBeGreaterThanOrEqual(150);
    expect(sentWhilePaused).toBeLessThan(AUDIENCE);

    messaging.afterDelivery = async (count) => {
      if (count === 300) await launch.cancel(campaignId);
    };
    const second = await launch.resume(campaignId);
    expect(second._id).not.toBe(first._id);
    // the first job, run again (a redelivery), sees it no longer owns the send
    expect((await run(first)).outcome).toBe('SUPERSEDED');
    const cancelled = await run(second);
    expect(cancelled.outcome).toBe('CANCELLED');
    expect(await status()).toBe('CANCELLED');
    const sent = await outboxCount();
    expect(sent).toBeLessThan(AUDIENCE);
    expect(await distinctOutboxRecipients()).toBe(sent);
    await expect(launch.resume(campaignId)).rejects.toMatchObject({ extensions: { code: 'CONFLICT' } });
    expect((await run(second)).outcome).toBe('CANCELLED');
    expect(await outboxCount()).toBe(sent);
  });

  it('refuses to launch MOBILE and AD campaigns, naming the type, and leaves them DRAFT', async () => {
    for (const type of ['MOBILE', 'AD'] as const) {
      await app.db.collection<CampaignDoc>(C.campaigns).updateOne({ _id: campaignId }, { $set: { type } });
      await expect(launch.sendNow(campaignId)).rejects.toMatchObject({
        extensions: { code: 'BAD_USER_INPUT', field: 'type' },
      });
      await expect(launch.schedule(campaignId, new Date(Date.now() + 60_000))).rejects.toMatchObject({
        extensions: { code: 'BAD_USER_INPUT' },
      });
      expect(await status()).toBe('DRAFT');
    }
    expect(await outboxCount()).toBe(0);
  });

  it('sends nothing before sendAt, nor for a launch that was replaced', async () => {
    const early = await launch.schedule(campaignId, new Date(Date.now() + 3_600_000));
    expect((await run(early)).outcome).toBe('NOT_DUE');
    const now = await launch.sendNow(campaignId);
    expect((await run(early)).outcome).toBe('SUPERSEDED');
    expect(await outboxCount()).toBe(0);
    expect((await run(now)).outcome).toBe('SENT');
  });
});
