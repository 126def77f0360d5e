import type { App } from '../../app';
import { badInput, conflict } from '../../errors';
import type { JobRecord, Jobs } from '../../jobs/jobType';
import { getCampaign } from './campaigns';
import { C, type CampaignDoc, type CampaignStatus } from './model';
import { CAMPAIGN_SEND_JOB } from './sendCampaign';

type LaunchApp = Pick<App, 'db' | 'logger'> & { jobs: Pick<Jobs, 'enqueue' | 'cancel'> };

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

/** Enqueues the send of the launch the campaign's sendKey names (set by the transition before). */
async function enqueueSend(app: LaunchApp, campaign: CampaignDoc, requestedBy?: string, delaySeconds?: number): Promise<JobRecord> {
  const sendKey = campaign.sendKey!;
  const job = await app.jobs.enqueue(CAMPAIGN_SEND_JOB, { campaignId: campaign._id, sendKey }, {
    trigger: 'MANUAL',
    requestedBy,
    idempotencyKey: `${CAMPAIGN_SEND_JOB}:${campaign._id}:${sendKey}`,
    delaySeconds,
  });
  await app.db.collection<CampaignDoc>(C.campaigns).updateOne({ _id: campaign._id }, { $set: { sendJobId: job._id } });
  return job;
}

/**
 * Only e-mail campaigns are sent: the messaging engines deliver e-mail (SES has no SMS), and ad
 * campaigns run on ad platforms. MOBILE and AD campaigns are kept, tracked and reported, but a
 * launch is refused rather than sending their audience an e-mail they were not written for.
 */
async function assertSendable(app: LaunchApp, id: string): Promise<void> {
  const { type } = await getCampaign(app.db, id);
  if (type !== 'EMAIL') throw badInput(`type: only EMAIL campaigns are sent by this service; campaign ${id} is ${type}`, 'type');
}

/**
 * Schedules the send for `sendAt` (rescheduling a SCHEDULED campaign is allowed: the older job
 * finds another sendKey on the campaign and does nothing). Returns the send Job.
 */
export async function scheduleCampaign(app: LaunchApp, id: string, sendAt: Date, requestedBy?: string, now = new Date()): Promise<JobRecord> {
  if (!(sendAt instanceof Date) || Number.isNaN(sendAt.getTime())) throw badInput('sendAt: a date-time', 'sendAt');
  if (sendAt.getTime() < now.getTime()) throw badInput('sendAt: must be in the future (use sendCampaignNow)', 'sendAt');
  await assertSendable(app, id);
  const campaign = await transition(app, id, ['DRAFT', 'SCHEDULED'], { status: 'SCHEDULED', sendAt, sendKey: `at:${sendAt.toISOString()}` }, 'schedule');
  const delaySeconds = Math.ceil((sendAt.getTime() - now.getTime()) / 1000);
  return enqueueSend(app, campaign, requestedBy, delaySeconds);
}

export async function sendCampaignNow(app: LaunchApp, id: string, requestedBy?: string, now = new Date()): Promise<JobRecord> {
  await assertSendable(app, id);
  const campaign = await transition(app, id, ['DRAFT', 'SCHEDULED'], { status: 'SCHEDULED', sendAt: now, sendKey: `now:${now.toISOString()}` }, 'send');
  return enqueueSend(app, campaign, requestedBy);
}

/** The running send stops after its current batch; recipients not yet sent stay PENDING. */
export function pauseCampaign(app: LaunchApp, id: string): Promise<CampaignDoc> {
  return transition(app, id, ['SCHEDULED', 'SENDING'], { status: 'PAUSED' }, 'pause');
}

/** Starts a new send job that continues with the recipients still PENDING. */
export async function resumeCampaign(app: LaunchApp, id: string, requestedBy?: string, now = new Date()): Promise<JobRecord> {
  const campaign = await transition(app, id, ['PAUSED'], { status: 'SCHEDULED', sendAt: now, sendKey: `resume:${now.toISOString()}` }, 'resume');
  return enqueueSend(app, campaign, requestedBy);
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
