import type { Db } from '../../src/datasources/store';
import type { JobContext } from '../../src/jobs/jobType';
import type { Logger } from '../../src/logger';
import { createEntity, entities } from '../../src/services/campaigns/catalog';
import { createCampaign } from '../../src/services/campaigns/campaigns';
import {
  C,
  recipientId,
  type CampaignDoc,
  type CampaignEventDoc,
  type RecipientDoc,
} from '../../src/services/campaigns/model';
import { storeEvents } from '../../src/services/campaigns/recordEvents';
import type { SendDeps } from '../../src/services/campaigns/sendBatch';
import { performSend } from '../../src/services/campaigns/sendCampaign';
import { upsertMembersIntoAudience, type MemberRow } from '../../src/services/campaigns/upsertMembers';
import { seededRandom } from '../../src/services/seededRandom';

export interface CampaignSizes {
  campaigns: number;
  members: number;
  /** Campaigns sent (each to one audience); the others stay drafts. */
  sentCampaigns: number;
}

const AUDIENCES = 10;
const DAY_MS = 86_400_000;
const MEMBER_BATCH = 5_000;
const EVENT_BATCH = 5_000;

const member = (i: number): MemberRow => ({
  email: `bench.member${i}@example.com`,
  name: `Member ${i}`,
  phone: i % 5 === 4 ? null : `+1212${String(5_000_000 + (i % 5_000_000)).padStart(7, '0')}`,
  timeZone: 'America/New_York',
  smsConsentAt: null,
  attributes: { city: i % 2 ? 'New York' : 'Boston' },
});

function context(logger: Logger): JobContext {
  return {
    jobId: 'bench:dashboard',
    attempt: 1,
    logger,
    signal: new AbortController().signal,
    progress: async () => undefined,
    setStats: async () => undefined,
  };
}

/**
 * Campaigns at the scale of a marketing team's year: `members` members in ten audiences, and
 * `campaigns` campaigns, the first `sentCampaigns` of them sent through the real send path over
 * the last weeks, with opens, clicks and conversions stored as the tracking endpoints store
 * them (so their kept figures are as production keeps them).
 */
export async function writeCampaigns(deps: SendDeps, sizes: CampaignSizes, logger: Logger): Promise<void> {
  const { db } = deps;
  const now = new Date();
  const start = new Date(now.getTime() - 60 * DAY_MS);
  const sender = await createEntity(db, entities.sender, { name: 'Bench Sender', email: 'bench@example.com' }, start);
  const template = await createEntity(
    db,
    entities.template,
    {
      name: 'Bench newsletter',
      type: 'business',
      subject: 'Hi {{name}}',
      html: '<html><body><p>Hello {{name}},</p><p><a href="https://example.com/a">A</a> <a href="https://example.com/b">B</a> <a href="https://example.com/c">C</a></p></body></html>',
      text: 'Hello {{name}}: https://example.com/a',
    },
    start,
  );
  const audiences = [];
  for (let a = 0; a < AUDIENCES; a++) {
    audiences.push(
      await createEntity(db, entities.audience, { name: `Bench audience ${a}`, segments: [`segment-${a}`] }, start),
    );
  }
  for (let from = 0; from < sizes.members; from += MEMBER_BATCH * AUDIENCES) {
    for (const [a, audience] of audiences.entries()) {
      const rows: MemberRow[] = [];
      for (let i = from + a; i < Math.min(sizes.members, from + MEMBER_BATCH * AUDIENCES); i += AUDIENCES) {
        rows.push(member(i));
      }
      if (rows.length > 0) await upsertMembersIntoAudience(db, audience._id, rows, { overwrite: false, now: start });
    }
  }
  for (let c = 0; c < sizes.campaigns; c++) {
    const createdAt = new Date(start.getTime() + Math.floor((c / sizes.campaigns) * 55 * DAY_MS));
    const campaign = await createCampaign(
      db,
      {
        name: `Bench campaign ${c}`,
        templateId: template._id,
        senderId: sender._id,
        audienceIds: [audiences[c % AUDIENCES]!._id],
      },
      createdAt,
    );
    if (c >= sizes.sentCampaigns) continue;
    const sentAt = new Date(now.getTime() - (sizes.sentCampaigns - c) * DAY_MS);
    await db
      .collection<CampaignDoc>(C.campaigns)
      .updateOne({ _id: campaign._id }, { $set: { status: 'SCHEDULED', sendAt: sentAt, sendKey: 'bench' } });
    await performSend(deps, { campaignId: campaign._id, sendKey: 'bench' }, context(logger), () => sentAt);
    await engagement(db, campaign._id, sentAt, now, c);
  }
}

/** Opens (most in the first day), clicks on three links and some conversions of one sent campaign. */
async function engagement(db: Db, campaignId: string, sentAt: Date, now: Date, seed: number): Promise<void> {
  const random = seededRandom(1_000 + seed);
  const span = now.getTime() - sentAt.getTime();
  let events: CampaignEventDoc[] = [];
  let serial = 0;
  const add = (type: CampaignEventDoc['type'], memberId: string, at: Date, extra: Partial<CampaignEventDoc> = {}) =>
    events.push({
      _id: `bench-${campaignId}-${serial++}`,
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
  const recipients = db
    .collection<RecipientDoc>(C.recipients)
    .find({ campaignId }, { projection: { memberId: 1 } })
    .toArray();
  for (const recipient of await recipients) {
    if (random() > 0.5) continue;
    const openedAt = new Date(sentAt.getTime() + Math.min(span - 60_000, random() ** 3 * span));
    add('OPEN', recipient.memberId, openedAt);
    if (random() < 0.5) {
      const clickedAt = new Date(openedAt.getTime() + random() * 3_600_000);
      add('CLICK', recipient.memberId, clickedAt, { linkIndex: Math.floor(random() ** 2 * 3) });
      if (random() < 0.3) {
        add('CONVERSION', recipient.memberId, new Date(clickedAt.getTime() + random() * 3_600_000), {
          value: Math.round(20 + random() * 180),
        });
      }
    }
    if (events.length >= EVENT_BATCH) {
      await storeEvents(db, events);
      events = [];
    }
  }
  if (events.length > 0) await storeEvents(db, events);
}
