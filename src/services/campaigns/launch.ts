import type { App } from '../../app';
import { badInput, conflict } from '../../errors';
import type { JobRecord } from '../../jobs/jobType';
import { getCampaign } from './campaigns';
import { C, type CampaignDoc, type CampaignStatus } from './model';
import { CAMPAIGN_SEND_JOB } from './sendCampaign';

type LaunchApp = Pick<App, 'db' | 'jobs' | 'logger'>;

/** Moves a campaign from one of `from` to `to` atomically, or says why it cannot. */
async function transition(app: LaunchApp, id: string, from: CampaignStatus[], set: Partial<CampaignDoc>, action: string): Promise<CampaignDoc> {
  const updated = await app.db
    .collection<CampaignDoc>(C.campaigns)
    .findOneAndUpdate({ _id: id, status: { $in: from }, archivedAt: null }, { $set: { ...set, updatedAt: new Date() } }, { returnDocument: 'after' });
  if (updated) return updated;
  const campaign = await getCampaign(app.db, id);
  if (campaign.archivedAt) throw conflict(`Campaign ${id} is archived`);
  throw conflict(`Cannot ${action} campaign ${id}: it is ${campaign.status} (allowed from ${from.join(', ')})`);
}

async function enqueueSend(app: LaunchApp, campaign: CampaignDoc, key: string, requestedBy?: string, delaySeconds?: number): Promise<JobRecord> {
  const job = await app.jobs.enqueue(CAMPAIGN_SEND_JOB, { campaignId: campaign._id }, {
    trigger: 'MANUAL',
    requestedBy,
    idempotencyKey: `${CAMPAIGN_SEND_JOB}:${campaign._id}:${key}`,
    delaySeconds,
  });
  await app.db.collection<CampaignDoc>(C.campaigns).updateOne({ _id: campaign._id }, { $set: { sendJobId: job._id } });
  return job;
}

/**
 * Schedules the send for `sendAt` (rescheduling a SCHEDULED campaign is allowed: the older job
 * finds the campaign no longer due at its time and does nothing). Returns the send Job.
 */
export async function scheduleCampaign(app: LaunchApp, id: string, sendAt: Date, requestedBy?: string, now = new Date()): Promise<JobRecord> {
  if (!(sendAt instanceof Date) || Number.isNaN(sendAt.getTime())) throw badInput('sendAt: a date-time', 'sendAt');
  if (sendAt.getTime() < now.getTime()) throw badInput('sendAt: must be in the future (use sendCampaignNow)', 'sendAt');
  const campaign = await transition(app, id, ['DRAFT', 'SCHEDULED'], { status: 'SCHEDULED', sendAt }, 'schedule');
  const delaySeconds = Math.ceil((sendAt.getTime() - now.getTime()) / 1000);
  return enqueueSend(app, campaign, sendAt.toISOString(), requestedBy, delaySeconds);
}

export async function sendCampaignNow(app: LaunchApp, id: string, requestedBy?: string, now = new Date()): Promise<JobRecord> {
  const campaign = await transition(app, id, ['DRAFT', 'SCHEDULED'], { status: 'SCHEDULED', sendAt: now }, 'send');
  return enqueueSend(app, campaign, `now:${now.toISOString()}`, requestedBy);
}

/** The running send stops after its current batch; recipients not yet sent stay PENDING. */
export function pauseCampaign(app: LaunchApp, id: string): Promise<CampaignDoc> {
  return transition(app, id, ['SCHEDULED', 'SENDING'], { status: 'PAUSED' }, 'pause');
}

/** Starts a new send job that continues with the recipients still PENDING. */
export async function resumeCampaign(app: LaunchApp, id: string, requestedBy?: string, now = new Date()): Promise<JobRecord> {
  const campaign = await transition(app, id, ['PAUSED'], { status: 'SCHEDULED', sendAt: now }, 'resume');
  return enqueueSend(app, campaign, `resume:${now.toISOString()}`, requestedBy);
}

/** Final: nothing more is sent. The running send stops after its current batch. */
export async function cancelCampaign(app: LaunchApp, id: string): Promise<CampaignDoc> {
  const campaign = await transition(app, id, ['DRAFT', 'SCHEDULED', 'SENDING', 'PAUSED'], { status: 'CANCELLED', finishedAt: new Date() }, 'cancel');
  if (campaign.sendJobId) {
    await app.jobs.cancel(campaign.sendJobId).catch((error: unknown) => {
      // the job may already be finished; the campaign status alone stops a running send
      app.logger.debug({ err: error, campaignId: id }, 'send job not cancellable');
    });
  }
  return campaign;
}
