import type { Db } from '../../datasources/store';
import type { JobContext } from '../../jobs/jobType';
import type { Logger } from '../../logger';
import { createEntity, entities } from './catalog';
import { createCampaign } from './campaigns';
import { C, recipientId, type CampaignDoc, type CampaignEventDoc, type RecipientDoc } from './model';
import { storeEvents } from './recordEvents';
import type { SendDeps } from './sendBatch';
import { performSend } from './sendCampaign';
import { upsertMembersIntoAudience } from './upsertMembers';

const DEMO_CAMPAIGN = 'Spring launch (demo)';
const DAY_MS = 24 * 3_600_000;

/** A deterministic pseudo-random sequence, so every demo run tells the same story. */
function sequence(seed: number) {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

/**
 * Demo data: a sender, two e-mail templates and a text one, three overlapping audiences (120
 * members, some in two or three audiences, most with a phone and SMS consent), a campaign sent
 * five days ago through the real send path, and opens, clicks and conversions spread over the
 * days since; plus a draft campaign. Skipped when present.
 */
export async function campaignsDemo(deps: SendDeps, logger: Logger): Promise<void> {
  const { db } = deps;
  if (await db.collection<CampaignDoc>(C.campaigns).findOne({ name: DEMO_CAMPAIGN })) return;
  const now = new Date();
  const sentAt = new Date(now.getTime() - 5 * DAY_MS);
  const sender = await createEntity(
    db,
    entities.sender,
    { name: 'Jordan Lee', email: 'jordan.lee@example.com', department: 'Marketing' },
    sentAt,
  );
  const newsletter = await createEntity(
    db,
    entities.template,
    {
      name: 'Spring newsletter',
      type: 'business',
      subject: 'Hi {{name}}, spring is here',
      html: '<html><body><p>Hello {{name}},</p><p><a href="https://example.com/spring">See the collection</a> or <a href="https://example.com/stores">find a store</a>.</p><p><a href="https://example.com/unsubscribe">Unsubscribe</a></p></body></html>',
      text: 'Hello {{name}}, see the collection: https://example.com/spring',
    },
    sentAt,
  );
  await createEntity(
    db,
    entities.template,
    { name: 'Flash sale', type: 'minimalist', subject: '24 hours only', text: 'Shop now: https://example.com/sale' },
    sentAt,
  );
  await createEntity(
    db,
    entities.template,
    {
      name: 'Spring text',
      type: 'sms',
      subject: '',
      sms: 'Hi {{name}}, spring is in store in {{city}}: https://example.com/spring Reply STOP to opt out',
    },
    sentAt,
  );
  const audiences = await Promise.all(
    [
      { name: 'NYC finance', segments: ['finance', 'professionals'], locationType: 'cities' },
      { name: 'College students', segments: ['young', 'college'], locationType: 'northeast' },
      { name: 'Active subscribers', segments: ['active'], locationType: 'country' },
    ].map((input) => createEntity(db, entities.audience, input, sentAt)),
  );
  // members 0-59 in NYC finance, 40-99 in College students, every third in Active subscribers;
  // four in five have a phone, most gave SMS consent, three in four have a time zone
  const member = (i: number) => ({
    email: `member${i}@example.com`,
    name: `Member ${i}`,
    phone: i % 5 === 4 ? null : `+1212555${String(1000 + i)}`,
    timeZone: [null, 'America/New_York', 'America/Chicago', 'America/Los_Angeles'][i % 4],
    smsConsentAt: i % 7 === 3 ? null : sentAt,
    attributes: { city: i % 2 ? 'New York' : 'Boston' },
  });
  const ranges = [
    [0, 60],
    [40, 100],
    [0, 120],
  ];
  for (const [index, audience] of audiences.entries()) {
    const [start, end] = ranges[index];
    const rows = Array.from({ length: end - start }, (_, k) => member(start + k)).filter(
      (_, k) => index !== 2 || (start + k) % 3 === 0,
    );
    await upsertMembersIntoAudience(db, audience._id, rows, { overwrite: false, now: sentAt });
  }
  const campaign = await createCampaign(
    db,
    { name: DEMO_CAMPAIGN, templateId: newsletter._id, senderId: sender._id, audienceIds: audiences.map((a) => a._id) },
    sentAt,
  );
  await db
    .collection<CampaignDoc>(C.campaigns)
    .updateOne({ _id: campaign._id }, { $set: { status: 'SCHEDULED', sendAt: sentAt, sendKey: 'demo' } });
  await performSend(deps, { campaignId: campaign._id, sendKey: 'demo' }, demoContext(logger), () => sentAt);
  await engagement(db, campaign._id, sentAt, now);
  await createCampaign(
    db,
    { name: 'Flash sale (draft)', templateId: newsletter._id, senderId: sender._id, audienceIds: [audiences[1]._id] },
    now,
  );
  logger.info({ campaignId: campaign._id }, 'campaigns demo ready');
}

async function engagement(db: Db, campaignId: string, sentAt: Date, now: Date): Promise<void> {
  const random = sequence(42);
  const recipients = await db.collection<RecipientDoc>(C.recipients).find({ campaignId }).toArray();
  const events: CampaignEventDoc[] = [];
  const add = (type: CampaignEventDoc['type'], memberId: string, at: Date, extra: Partial<CampaignEventDoc> = {}) =>
    events.push({
      _id: `demo-${events.length}`,
      type,
      campaignId,
      memberId,
      recipientId: recipientId(campaignId, memberId),
      occurredAt: at,
      recordedAt: at,
      linkIndex: null,
      value: null,
      ...extra,
    });
  const span = now.getTime() - sentAt.getTime();
  for (const recipient of recipients) {
    if (random() > 0.55) continue;
    // most opens come in the first day, then a long tail over the next days
    const openedAt = new Date(sentAt.getTime() + Math.min(span - 60_000, random() ** 3 * span));
    add('OPEN', recipient.memberId, openedAt);
    if (random() < 0.3)
      add('OPEN', recipient.memberId, new Date(openedAt.getTime() + random() * (now.getTime() - openedAt.getTime())));
    if (random() > 0.45) continue;
    const clickedAt = new Date(openedAt.getTime() + random() * 3_600_000);
    add('CLICK', recipient.memberId, clickedAt, { linkIndex: random() < 0.7 ? 0 : 1 });
    if (random() < 0.35)
      add('CONVERSION', recipient.memberId, new Date(clickedAt.getTime() + random() * DAY_MS), {
        value: Math.round(20 + random() * 180),
      });
  }
  await storeEvents(db, events);
}

function demoContext(logger: Logger): JobContext {
  return {
    jobId: 'demo',
    attempt: 1,
    logger,
    signal: new AbortController().signal,
    progress: async () => undefined,
    setStats: async () => undefined,
  };
}
