import type { Db } from '../../datasources/store';
import { badInput, conflict } from '../../errors';
import type { JobRecord, Jobs } from '../../jobs/jobType';
import type { Logger } from '../../logger';
import { getCampaign } from './campaigns';
import { CAMPAIGN_EVENTS_EXPORT_JOB } from './exportEvents';
import { C, type CampaignDoc, type CampaignStatus } from './model';
import { CAMPAIGN_SEND_JOB } from './sendCampaign';
import type { CampaignTexts } from './sms/campaignTexts';

export interface LaunchDeps {
  db: Db;
  logger: Logger;
  jobs: Pick<Jobs, 'enqueue' | 'cancel'>;
  /** MOBILE campaigns' texts; without them (a service with no SMS waves) MOBILE campaigns are refused. */
  texts?: Pick<CampaignTexts, 'check' | 'pause' | 'cancel'>;
}

/** What an operator starts, stops or exports: each launch moves the campaign and enqueues its send job. */
export class CampaignLaunch {
  constructor(private readonly deps: LaunchDeps) {}

  /**
   * Schedules the send for `sendAt` (rescheduling a SCHEDULED campaign is allowed: the older job
   * finds another sendKey on the campaign and does nothing). Returns the send Job.
   */
  async schedule(id: string, sendAt: Date, requestedBy?: string, now = new Date()): Promise<JobRecord> {
    if (!(sendAt instanceof Date) || Number.isNaN(sendAt.getTime())) throw badInput('sendAt: a date-time', 'sendAt');
    if (sendAt.getTime() < now.getTime()) {
      throw badInput('sendAt: must be in the future (use sendCampaignNow)', 'sendAt');
    }
    await this.assertSendable(id);
    const set = { status: 'SCHEDULED' as const, sendAt, sendKey: `at:${sendAt.toISOString()}` };
    const campaign = await this.transition(id, ['DRAFT', 'SCHEDULED'], set, 'schedule');
    const delaySeconds = Math.ceil((sendAt.getTime() - now.getTime()) / 1000);
    return this.enqueueSend(campaign, requestedBy, delaySeconds);
  }

  async sendNow(id: string, requestedBy?: string, now = new Date()): Promise<JobRecord> {
    await this.assertSendable(id);
    const set = { status: 'SCHEDULED' as const, sendAt: now, sendKey: `now:${now.toISOString()}` };
    const campaign = await this.transition(id, ['DRAFT', 'SCHEDULED'], set, 'send');
    return this.enqueueSend(campaign, requestedBy);
  }

  /**
   * The running send stops after its current batch; recipients not yet sent stay PENDING. A
   * MOBILE campaign's wave stops taking recipients within a second.
   */
  async pause(id: string): Promise<CampaignDoc> {
    const campaign = await this.transition(id, ['SCHEDULED', 'SENDING'], { status: 'PAUSED' }, 'pause');
    if (campaign.type === 'MOBILE') await this.deps.texts?.pause(campaign);
    return campaign;
  }

  /** Starts a new send job that continues with the recipients still PENDING. */
  async resume(id: string, requestedBy?: string, now = new Date()): Promise<JobRecord> {
    const set = { status: 'SCHEDULED' as const, sendAt: now, sendKey: `resume:${now.toISOString()}` };
    const campaign = await this.transition(id, ['PAUSED'], set, 'resume');
    return this.enqueueSend(campaign, requestedBy);
  }

  /**
   * Final: nothing more is sent. The running send stops after its current batch; a MOBILE
   * campaign's wave is cancelled, its texts not sent yet SKIPPED.
   */
  async cancel(id: string): Promise<CampaignDoc> {
    const set = { status: 'CANCELLED' as const, finishedAt: new Date() };
    const campaign = await this.transition(id, ['DRAFT', 'SCHEDULED', 'SENDING', 'PAUSED'], set, 'cancel');
    if (campaign.type === 'MOBILE') await this.deps.texts?.cancel(campaign);
    if (campaign.sendJobId) {
      await this.deps.jobs.cancel(campaign.sendJobId).catch((error: unknown) => {
        // the job may already be finished; the campaign status alone stops a running send
        this.deps.logger.debug({ err: error, campaignId: id }, 'send job not cancellable');
      });
    }
    return campaign;
  }

  /** Re-exports the events recorded in [from, to) to the raw layer; answers the export job. */
  async exportEvents(from: Date, to: Date, requestedBy?: string): Promise<JobRecord> {
    if (to.getTime() <= from.getTime()) throw badInput('to: must be after from', 'to');
    return this.deps.jobs.enqueue(CAMPAIGN_EVENTS_EXPORT_JOB, { from, to }, { trigger: 'MANUAL', requestedBy });
  }

  /** Moves a campaign from one of `from` to `to` atomically, or says why it cannot. */
  private async transition(
    id: string,
    from: CampaignStatus[],
    set: Partial<CampaignDoc>,
    action: string,
  ): Promise<CampaignDoc> {
    const updated = await this.deps.db
      .collection<CampaignDoc>(C.campaigns)
      .findOneAndUpdate(
        { _id: id, status: { $in: from }, archivedAt: null },
        { $set: { ...set, updatedAt: new Date() } },
        { returnDocument: 'after' },
      );
    if (updated) return updated;
    const campaign = await getCampaign(this.deps.db, id);
    if (campaign.archivedAt) throw conflict(`Campaign ${id} is archived`);
    throw conflict(`Cannot ${action} campaign ${id}: it is ${campaign.status} (allowed from ${from.join(', ')})`);
  }

  /** Enqueues the send of the launch the campaign's sendKey names (set by the transition before). */
  private async enqueueSend(campaign: CampaignDoc, requestedBy?: string, delaySeconds?: number): Promise<JobRecord> {
    const sendKey = campaign.sendKey!;
    const job = await this.deps.jobs.enqueue(
      CAMPAIGN_SEND_JOB,
      { campaignId: campaign._id, sendKey },
      {
        trigger: 'MANUAL',
        requestedBy,
        idempotencyKey: `${CAMPAIGN_SEND_JOB}:${campaign._id}:${sendKey}`,
        delaySeconds,
      },
    );
    await this.deps.db
      .collection<CampaignDoc>(C.campaigns)
      .updateOne({ _id: campaign._id }, { $set: { sendJobId: job._id } });
    return job;
  }

  /**
   * EMAIL campaigns are sent by e-mail, MOBILE ones by text (their SMS settings and the SMS text
   * of their template checked again now). AD campaigns run on ad platforms: they are kept, tracked
   * and reported, but a launch is refused rather than sending their audience a message they were
   * not written for.
   */
  private async assertSendable(id: string): Promise<void> {
    const campaign = await getCampaign(this.deps.db, id);
    const { type } = campaign;
    if (type === 'EMAIL') return;
    if (type === 'MOBILE' && this.deps.texts) return this.deps.texts.check(campaign);
    throw badInput(`type: ${type} campaigns are not sent by this service (campaign ${id})`, 'type');
  }
}
