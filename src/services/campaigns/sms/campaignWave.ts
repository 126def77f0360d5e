import type { AnyBulkWriteOperation, Db, Filter } from '../../../datasources/store';
import { expectedDurationSeconds } from '../../waves/lifecycle/waveRules';
import {
  UNSENT_MESSAGE,
  unsentCounts,
  WAVE_MESSAGES,
  WAVES,
  type WaveConfig,
  type WaveDoc,
  type WaveMessageDoc,
} from '../../waves/model';
import type { OptOutList } from '../../waves/send/optOutList';
import { insertNew } from '../../waves/upload/buildWave';
import type { RateSettings } from '../../waves/upload/waveConfigInput';
import { C, type CampaignDoc, type RecipientDoc, type TextSkipReason } from '../model';
import { membersOf } from '../recipientMembers';
import { memberText, type TextRules } from './memberText';
import { smsSettingsOf } from './campaignSms';

export interface CampaignWaveDeps {
  db: Db;
  optOuts: Pick<OptOutList, 'optedOut'>;
  /** MEMBER_TIME_ZONE: the quiet hours of a member with no time zone. */
  timeZone: string;
  rates: RateSettings;
}

/** Recipients read, checked and written together: one read of members and opt-outs, one insert. */
const CHUNK = 500;
const DUPLICATE_KEY = 11000;

/** The SMS wave of a MOBILE campaign: one per campaign, so a rerun of its making finds it. */
export const campaignWaveId = (campaignId: string) => `campaign-${campaignId}`;

/**
 * Makes a MOBILE campaign's SMS wave from its frozen recipients, in recipient order: each member
 * either gets a PENDING message (`<waveId>:<row>`, its text rendered and measured) or its
 * recipient is SKIPPED with the reason (memberText.ts). The wave goes last, DRAFT with its counts
 * and total segments (or SENT at once when no member can be texted), so its presence means it is
 * complete; a rerun after a crash leaves the messages and skips already written as they are and
 * goes on with the rest. Answers the wave and the skips by reason.
 */
export async function buildCampaignWave(
  deps: CampaignWaveDeps,
  campaign: CampaignDoc,
  onProgress: (recipients: number) => Promise<void>,
): Promise<{ wave: WaveDoc; skips: TextSkips }> {
  const waveId = campaignWaveId(campaign._id);
  const existing = await deps.db.collection<WaveDoc>(WAVES).findOne({ _id: waveId });
  if (existing) return { wave: existing, skips: await skipsOf(deps.db, campaign._id) };
  const config = waveConfigOf(deps, campaign);
  const rules: TextRules = { template: campaign.content!.sms!, messageType: config.messageType, optedOut: () => false };
  // The recipients' ids (`<campaignId>:<memberId>`) are one range of the _id index, read in pages.
  const recipients = deps.db.collection<RecipientDoc>(C.recipients);
  let after = `${campaign._id}:`;
  let row = 0;
  for (;;) {
    const page = await recipients
      .find({ _id: { $gt: after, $lt: `${campaign._id};` } }, { sort: { _id: 1 }, limit: CHUNK })
      .toArray();
    if (page.length === 0) break;
    after = page[page.length - 1]!._id;
    const chunk = page.map((recipient) => ({ recipient, row: (row += 1) }));
    await textChunk(deps, { waveId, config, rules }, chunk);
    await onProgress(row);
  }
  const wave = await insertWave(deps.db, newWave(waveId, campaign, config, await messageTotals(deps.db, waveId)));
  return { wave, skips: await skipsOf(deps.db, campaign._id) };
}

function waveConfigOf(deps: CampaignWaveDeps, campaign: CampaignDoc): WaveConfig {
  const sms = smsSettingsOf(campaign.sms!, deps.rates);
  return {
    campaignId: campaign._id,
    notifyDate: new Date(),
    generateOfferCode: false,
    messageTemplate: campaign.content!.sms!,
    emailSubjectTemplate: null,
    emailTemplate: null,
    validitySeconds: sms.validitySeconds,
    segmentsPerSecond: sms.segmentsPerSecond,
    sender: sms.sender,
    senderKind: sms.senderKind,
    messageType: sms.messageType,
    brand: sms.brand,
  };
}

interface Making {
  waveId: string;
  config: WaveConfig;
  rules: TextRules;
}

/** One chunk of recipients: those still PENDING and without a message get one, or are SKIPPED. */
async function textChunk(deps: CampaignWaveDeps, making: Making, chunk: { recipient: RecipientDoc; row: number }[]) {
  const pending = chunk.filter(({ recipient }) => recipient.status === 'PENDING');
  if (pending.length === 0) return;
  const messages = deps.db.collection<WaveMessageDoc>(WAVE_MESSAGES);
  const idOf = (row: number) => `${making.waveId}:${row}`;
  const made = await messages
    .find({ _id: { $in: pending.map(({ row }) => idOf(row)) } } as Filter<WaveMessageDoc>, { projection: { _id: 1 } })
    .toArray();
  const done = new Set(made.map((message) => message._id));
  const open = pending.filter(({ row }) => !done.has(idOf(row)));
  const members = await membersOf(
    deps.db,
    open.map(({ recipient }) => recipient),
  );
  const phones = [...members.values()].flatMap((member) => (member.phone ? [member.phone] : []));
  const optedOut = await deps.optOuts.optedOut(making.config.brand, phones);
  const rules = { ...making.rules, optedOut: (phone: string) => optedOut.has(phone) };
  const now = new Date();
  const docs: WaveMessageDoc[] = [];
  const skips: AnyBulkWriteOperation<RecipientDoc>[] = [];
  for (const { recipient, row } of open) {
    const member = members.get(recipient.memberId);
    const text = memberText(member, rules);
    if ('skip' in text) {
      skips.push({
        updateOne: {
          filter: { _id: recipient._id, status: 'PENDING' },
          update: { $set: { status: 'SKIPPED', reason: text.skip, sentAt: null } },
        },
      });
      continue;
    }
    docs.push({
      _id: idOf(row),
      waveId: making.waveId,
      row,
      campaignId: making.config.campaignId,
      userId: recipient.memberId,
      email: member!.email,
      phone: text.phone,
      firstName: member!.name ?? null,
      market: null,
      timeZone: member!.timeZone ?? deps.timeZone,
      code: null,
      codeKind: null,
      fields: {},
      text: text.text,
      segments: text.segments,
      ...UNSENT_MESSAGE,
      updatedAt: now,
    });
  }
  await insertNew(messages, docs);
  if (skips.length > 0) await deps.db.collection<RecipientDoc>(C.recipients).bulkWrite(skips, { ordered: false });
}

/** The wave's messages and their segments, counted from the messages (one range of the _id index). */
async function messageTotals(db: Db, waveId: string): Promise<{ texts: number; segments: number }> {
  const range = { _id: { $gt: `${waveId}:`, $lt: `${waveId};` } } as Filter<WaveMessageDoc>;
  const totals = { texts: 0, segments: 0 };
  for await (const { segments } of db
    .collection<WaveMessageDoc>(WAVE_MESSAGES)
    .find(range, { projection: { segments: 1 } })) {
    totals.texts += 1;
    totals.segments += segments;
  }
  return totals;
}

export type TextSkips = Partial<Record<TextSkipReason, number>>;

/** Members given no text, whatever the reason. */
export const notTexted = (skips: TextSkips) => Object.values(skips).reduce((sum, count) => sum + count, 0);

/** The campaign's recipients given no text, by reason. */
async function skipsOf(db: Db, campaignId: string): Promise<TextSkips> {
  const groups = await db
    .collection<RecipientDoc>(C.recipients)
    .aggregate<{ _id: TextSkipReason; n: number }>([
      { $match: { campaignId, status: 'SKIPPED' } },
      { $group: { _id: '$reason', n: { $sum: 1 } } },
    ])
    .toArray();
  return Object.fromEntries(groups.map((group) => [group._id, group.n]));
}

function newWave(
  waveId: string,
  campaign: CampaignDoc,
  config: WaveConfig,
  totals: { texts: number; segments: number },
): WaveDoc {
  const now = new Date();
  const seconds = expectedDurationSeconds(totals.segments, config.segmentsPerSecond);
  const empty = totals.texts === 0;
  return {
    _id: waveId,
    name: `Campaign ${campaign.name}`,
    status: empty ? 'SENT' : 'DRAFT',
    config,
    sourceKey: null,
    prepId: null,
    counts: unsentCounts(totals.texts),
    rejects: [],
    rejectCount: 0,
    totalSegments: totals.segments,
    expectedFinishAt: new Date(now.getTime() + seconds * 1000),
    statusReason: empty ? 'no member of the campaign could be texted' : null,
    scheduledJobId: null,
    codesGenerated: false,
    // no codes to assign: the trigger goes straight to the sending
    codesAssigned: true,
    consecutiveErrors: 0,
    sendRuns: 0,
    createdBy: `campaign:${campaign._id}`,
    createdAt: now,
    updatedAt: now,
    startedAt: empty ? now : null,
    finishedAt: empty ? now : null,
  };
}

async function insertWave(db: Db, wave: WaveDoc): Promise<WaveDoc> {
  const waves = db.collection<WaveDoc>(WAVES);
  try {
    await waves.insertOne(wave);
    return wave;
  } catch (error) {
    if ((error as { code?: number }).code !== DUPLICATE_KEY) throw error;
    return (await waves.findOne({ _id: wave._id }))!;
  }
}
