import { z } from 'zod';
import type { Db } from '../../datasources/store';
import { AppError } from '../../errors';
import { PermanentJobError, type JobContext, type JobType } from '../../jobs/jobType';
import { getCampaign } from './campaigns';
import { freezeAudience } from './freezeAudience';
import { C, type CampaignDoc, type FrozenContent, type TemplateDoc } from './model';
import { extractLinks } from './render';
import { sendPendingRecipients, type SendDeps } from './sendBatch';

export const CAMPAIGN_SEND_JOB = 'campaign-send';

const params = z.object({ campaignId: z.string().min(1), sendKey: z.string().min(1) });
export type CampaignSendParams = z.infer<typeof params>;

export interface CampaignSendResult {
  /** TEXTING: a MOBILE campaign's SMS wave is sending its texts (the campaign follows it). */
  outcome: 'SENT' | 'PAUSED' | 'CANCELLED' | 'SUPERSEDED' | 'NOT_DUE' | 'TEXTING';
  audienceSize: number;
  sent: number;
  /** MOBILE campaigns: the SMS wave that sends the texts. */
  waveId?: string;
}

/**
 * Sends a campaign: freeze the audience once, then send every PENDING recipient (an e-mail
 * campaign) or hand them to the campaign's SMS wave (a MOBILE one). Safe to run again at any
 * point (a retry after a crash, a resume after a pause): frozen recipients are kept, and each
 * recipient's send is idempotent by recipient id (by message id for texts).
 */
export function campaignSendJob(deps: SendDeps): JobType<CampaignSendParams, CampaignSendResult> {
  return {
    name: CAMPAIGN_SEND_JOB,
    params,
    options: { attempts: 5, backoffMs: 2000, timeoutMs: 6 * 60 * 60 * 1000 },
    perform: (input, context) => performSend(deps, input, context),
  };
}

export async function performSend(
  deps: SendDeps,
  { campaignId, sendKey }: CampaignSendParams,
  context: JobContext,
  now = () => new Date(),
): Promise<CampaignSendResult> {
  let campaign = await getCampaign(deps.db, campaignId).catch((error: unknown) => {
    // a missing campaign will not appear on retry; a store error may go away
    if (error instanceof AppError && error.code === 'NOT_FOUND')
      throw new PermanentJobError(error.message, 'NOT_FOUND');
    throw error;
  });
  const result = (outcome: CampaignSendResult['outcome']) => ({
    outcome,
    audienceSize: campaign.audienceSize ?? 0,
    sent: 0,
  });
  if (campaign.status === 'CANCELLED') return result('CANCELLED');
  if (campaign.sendKey !== sendKey) return result('SUPERSEDED');
  const due =
    ['SCHEDULED', 'SENDING'].includes(campaign.status) &&
    (!campaign.sendAt || campaign.sendAt.getTime() <= now().getTime() + 1000);
  if (!due) return result(campaign.status === 'PAUSED' ? 'PAUSED' : 'NOT_DUE');
  if (campaign.expiresAt && campaign.expiresAt.getTime() <= now().getTime()) {
    throw new PermanentJobError(
      `Campaign ${campaignId} expired at ${campaign.expiresAt.toISOString()} before it was sent`,
      'EXPIRED',
    );
  }
  const secret = await deps.site.secret();
  campaign = await markSending(deps.db, campaign, context.jobId, now());
  if (!campaign.frozenAt) campaign = await freeze(deps.db, campaign, context, now);
  if (campaign.type === 'MOBILE') {
    if (!deps.texts) throw new PermanentJobError('This service sends no texts: MOBILE campaigns are not sent', 'TYPE');
    const texting = await deps.texts.send(campaign, context);
    return { outcome: texting.outcome, audienceSize: campaign.audienceSize ?? 0, sent: 0, waveId: texting.waveId };
  }
  const { stopped, sent } = await sendPendingRecipients(deps, campaign, secret, context, now);
  if (stopped) return { outcome: stopped, audienceSize: campaign.audienceSize ?? 0, sent };
  await deps.db
    .collection<CampaignDoc>(C.campaigns)
    .updateOne(
      { _id: campaignId, status: 'SENDING' },
      { $set: { status: 'SENT', finishedAt: now(), updatedAt: now() } },
    );
  await context.progress(1, `sent to ${sent} recipients`);
  return { outcome: 'SENT', audienceSize: campaign.audienceSize ?? 0, sent };
}

/** Starts (or continues) the send of this launch; records the job running it. */
async function markSending(db: Db, campaign: CampaignDoc, jobId: string, at: Date): Promise<CampaignDoc> {
  const content = campaign.content ?? (await frozenContent(db, campaign));
  const updated = await db
    .collection<CampaignDoc>(C.campaigns)
    .findOneAndUpdate(
      { _id: campaign._id, sendKey: campaign.sendKey, status: { $in: ['SCHEDULED', 'SENDING'] } },
      { $set: { status: 'SENDING', sendJobId: jobId, content, startedAt: campaign.startedAt ?? at, updatedAt: at } },
      { returnDocument: 'after' },
    );
  if (!updated) throw new PermanentJobError(`Campaign ${campaign._id} changed status while starting`, 'CONFLICT');
  return updated;
}

/** The template as it is when sending starts: later edits of the template change nothing sent. */
async function frozenContent(db: Db, campaign: CampaignDoc): Promise<FrozenContent> {
  const template = await db.collection<TemplateDoc>(C.templates).findOne({ _id: campaign.templateId });
  if (!template) throw new PermanentJobError(`Template ${campaign.templateId} does not exist`, 'NOT_FOUND');
  return {
    subject: template.subject,
    html: template.html ?? null,
    text: template.text ?? null,
    sms: template.sms ?? null,
    links: extractLinks(template),
  };
}

async function freeze(db: Db, campaign: CampaignDoc, context: JobContext, now: () => Date): Promise<CampaignDoc> {
  await context.progress(0, 'freezing the audience');
  const audienceSize = await freezeAudience(db, campaign, (frozen) =>
    context.progress(0, `froze ${frozen} recipients`),
  );
  const frozenAt = now();
  await db.collection<CampaignDoc>(C.campaigns).updateOne({ _id: campaign._id }, { $set: { audienceSize, frozenAt } });
  await context.setStats({ audienceSize });
  return { ...campaign, audienceSize, frozenAt };
}
