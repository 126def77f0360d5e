import {
  OutboxMessaging,
  type MessagingPort,
  type OutboundMessage,
  type SendOptions,
} from '../../src/datasources/messaging';
import type { JobRecord } from '../../src/jobs/jobType';
import { createEntity, entities } from '../../src/services/campaigns/catalog';
import { createCampaign, getCampaign } from '../../src/services/campaigns/campaigns';
import { CampaignLaunch } from '../../src/services/campaigns/launch';
import { C, recipientId, type CampaignEventDoc, type RecipientDoc } from '../../src/services/campaigns/model';
import { rebuildCampaignStats } from '../../src/services/campaigns/rebuildStats';
import { keptRecipientCounts } from '../../src/services/campaigns/recipientCounts';
import { keptRecipientTotal, recipientQuery, type RecipientFilter } from '../../src/services/campaigns/recipients';
import { storeEvents } from '../../src/services/campaigns/recordEvents';
import { performSend, type CampaignSendParams } from '../../src/services/campaigns/sendCampaign';
import { STATS_COLLECTIONS } from '../../src/services/campaigns/statsRollup';
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

const AUDIENCE = 450;
const ARCHIVED = 'm449@example.com';

describe('recipient counts kept with the recipients', () => {
  let app: CampaignApp;
  let messaging: ScriptedMessaging;
  let campaignId: string;
  let job: JobRecord;

  beforeEach(async () => {
    app = await openCampaignApp({ messaging: (a) => new ScriptedMessaging(new OutboxMessaging(a.db)) });
    messaging = app.ports.messaging as ScriptedMessaging;
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
      html: '<p>Hi <a href="https://example.com/x">x</a> <a href="https://example.com/y">y</a></p>',
    });
    const campaign = await createCampaign(app.db, {
      name: 'C',
      templateId: template._id,
      senderId: sender._id,
      audienceIds: [audience._id],
    });
    campaignId = campaign._id;
    const jobs = { enqueue: async (_type: string, params: unknown) => ({ _id: 'job-1', params }) as never };
    job = await new CampaignLaunch({ ...app, jobs: jobs as never }).sendNow(campaignId);
  });
  afterEach(() => app.close());

  const run = () =>
    performSend(
      {
        db: app.db,
        messaging,
        site: trackingSite(app.config),
        suppressions: new SuppressionList(app.db, privacySecret(app.config)),
      },
      job.params as CampaignSendParams,
      testJobContext({ jobId: job._id }),
    );
  const recipients = () => app.db.collection<RecipientDoc>(C.recipients);
  const countedSent = () => recipients().countDocuments({ campaignId, status: 'SENT' });
  const kept = async () => keptRecipientCounts(app.db, await getCampaign(app.db, campaignId));
  const archiveMidSend = () => {
    messaging.afterDelivery = async (count) => {
      if (count === 1)
        await app.db.collection(C.members).updateOne({ email: ARCHIVED }, { $set: { archivedAt: new Date() } });
    };
  };

  it('equal the recipients counted after a send, a crash before marking and its redelivery', async () => {
    archiveMidSend();
    const crashed = messaging.afterDelivery;
    messaging.afterDelivery = async (count) => {
      await crashed(count);
      if (count === 230) throw new Error('simulated crash');
    };
    await expect(run()).rejects.toThrow('simulated crash');
    const midway = await kept();
    expect(midway.sent).toBe(await countedSent());
    expect(midway.sent).toBeGreaterThan(0);
    messaging.afterDelivery = async () => undefined;
    expect((await run()).outcome).toBe('SENT');
    const after = await kept();
    expect(after.totals?.sent).toBe(AUDIENCE - 1);
    expect(after).toMatchObject({ audienceSize: AUDIENCE, sent: await countedSent() });
  });

  it('count each recipient once when a redelivered job sends the same batch at the same time', async () => {
    let raced = false;
    messaging.afterDelivery = async (count) => {
      if (count !== 10 || raced) return;
      raced = true;
      // the job delivered again while its first run is still sending its first batch
      expect((await run()).outcome).toBe('SENT');
    };
    await run();
    expect(raced).toBe(true);
    expect(await countedSent()).toBe(AUDIENCE);
    expect((await kept()).totals?.sent).toBe(AUDIENCE);
  });

  it('are recounted by the rebuild, whatever was kept', async () => {
    archiveMidSend();
    await run();
    const totals = app.db.collection(STATS_COLLECTIONS.totals);
    await totals.updateOne({ _id: campaignId as never }, { $inc: { sent: 7 } });
    expect((await kept()).sent).toBe(AUDIENCE - 1 + 7);
    await rebuildCampaignStats(app.db, campaignId);
    expect((await kept()).sent).toBe(AUDIENCE - 1);
    // totals kept before `sent` was: counted from the index until a rebuild adds it
    await totals.updateOne({ _id: campaignId as never }, { $unset: { sent: '' } });
    expect((await kept()).sent).toBe(AUDIENCE - 1);
    await rebuildCampaignStats(app.db, campaignId);
    expect(await totals.findOne({ _id: campaignId as never })).toEqual({ _id: campaignId, sent: AUDIENCE - 1 });
  });

  it("answer a recipients list's total as counting the recipients does, and page clickers by their index", async () => {
    archiveMidSend();
    await run();
    const ids = (
      await recipients()
        .find({ campaignId }, { sort: { _id: 1 } })
        .toArray()
    ).map((r) => r.memberId);
    const at = new Date();
    const event = (i: number, type: CampaignEventDoc['type'], linkIndex: number | null = null): CampaignEventDoc => ({
      _id: `e-${type}-${i}-${linkIndex}`,
      type,
      campaignId,
      memberId: ids[i]!,
      recipientId: recipientId(campaignId, ids[i]!),
      linkIndex,
      value: type === 'CONVERSION' ? 10 : null,
      occurredAt: at,
      recordedAt: at,
    });
    const events = ids.flatMap((_, i) => [
      ...(i % 2 === 0 ? [event(i, 'OPEN')] : []),
      ...(i % 5 === 0 ? [event(i, 'CLICK', i % 2), event(i, 'CLICK', 1)] : []),
      ...(i % 15 === 0 ? [event(i, 'CONVERSION')] : []),
    ]);
    await storeEvents(app.db, events);
    // a redelivered batch changes nothing
    await storeEvents(app.db, events.slice(0, 100));
    const campaign = await getCampaign(app.db, campaignId);
    const filters: RecipientFilter[] = [
      {},
      { clicked: true },
      { clicked: false },
      { opened: true },
      { opened: false },
      { converted: true },
      { converted: false },
      { status: 'SENT' },
      { status: 'SKIPPED' },
      { clicked: true, converted: false },
      { opened: null, clicked: true, status: null },
    ];
    for (const filter of filters) {
      const counted = await recipients().countDocuments(recipientQuery(campaignId, filter));
      const total = (await keptRecipientTotal(app.db, campaign, filter)) ?? counted;
      expect({ filter, total }).toEqual({ filter, total: counted });
    }
    expect(await keptRecipientTotal(app.db, campaign, { clicked: true })).toBe(ids.length / 5);

    for (const flag of ['opened', 'clicked', 'converted'] as const) {
      const plan = await recipients()
        .find(recipientQuery(campaignId, { [flag]: true }), { sort: { _id: 1 }, limit: 11 })
        .explain('executionStats');
      expect(plan.executionStats).toMatchObject({ nReturned: 11, totalDocsExamined: 11 });
    }
  });
});
