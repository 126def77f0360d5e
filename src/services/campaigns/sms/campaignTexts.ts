import type { Db } from '../../../datasources/store';
import { AppError } from '../../../errors';
import { PermanentJobError, type JobContext } from '../../../jobs/jobType';
import type { Logger } from '../../../logger';
import { requireWave } from '../../waves/lifecycle/waveErrors';
import type { WaveLifecycle } from '../../waves/lifecycle/waveLifecycle';
import { WAVES, type WaveDoc, type WaveStatus } from '../../waves/model';
import type { OptOutList } from '../../waves/send/optOutList';
import type { RateSettings } from '../../waves/upload/waveConfigInput';
import { C, type CampaignDoc, type CampaignStatus } from '../model';
import { assertTextable } from './campaignSms';
import { buildCampaignWave, notTexted } from './campaignWave';
import { recordTextOutcomes } from './textOutcomes';
import { textStats, type TextStats } from './textStats';

export interface CampaignTextsDeps {
  db: Db;
  /** The waves' lifecycle: the campaign's wave is started, paused, resumed and cancelled through it. */
  lifecycle: Pick<WaveLifecycle, 'sendNow' | 'pause' | 'resume' | 'cancel'>;
  /** The waves' opt-out list (`optOuts`). */
  optOuts: Pick<OptOutList, 'optedOut'>;
  /** WAVE_RATE_*: the sender caps. */
  rates: RateSettings;
  /** MEMBER_TIME_ZONE. */
  timeZone: string;
  logger: Logger;
}

/** How the MOBILE part of a campaign-send job ended. */
export type TextingOutcome = 'TEXTING' | 'SENT' | 'PAUSED' | 'CANCELLED' | 'SUPERSEDED';

/**
 * MOBILE campaigns, sent as SMS waves: the campaign-send job makes the campaign's wave from its
 * frozen audience (campaignWave.ts) and starts it; from there the waves' sending texts it, with
 * its limiter, opt-outs, consent, quiet hours, receipts and crash recovery. The campaign follows
 * its wave: pause, resume and cancel act on both, and when a wave-send run ends with the wave
 * SENT, PAUSED (by provider errors) or CANCELLED, `waveEnded` moves the campaign along and writes
 * each text's outcome on its recipient.
 */
export class CampaignTexts {
  constructor(private readonly deps: CampaignTextsDeps) {}

  private get campaigns() {
    return this.deps.db.collection<CampaignDoc>(C.campaigns);
  }

  /** BAD_USER_INPUT naming the field unless the campaign can text (checked at its launch). */
  check(campaign: CampaignDoc): Promise<void> {
    return assertTextable(this.deps.db, campaign, this.deps.rates);
  }

  /**
   * The campaign-send job's part for a MOBILE campaign it holds SENDING: the wave made once, then
   * started (or resumed after a pause). The campaign is read again after the wave started: a
   * pause or cancel that came meanwhile, which found no wave to stop yet, is applied to it.
   */
  async send(campaign: CampaignDoc, context: JobContext): Promise<{ outcome: TextingOutcome; waveId: string }> {
    await context.progress(0, 'making the SMS wave');
    const { wave, skips } = await buildCampaignWave(this.deps, campaign, (recipients) =>
      context.progress(0, `checked ${recipients} recipients`),
    );
    await this.campaigns.updateOne({ _id: campaign._id }, { $set: { smsWaveId: wave._id, textSkips: skips } });
    await context.setStats({ texts: wave.counts.total, notTexted: notTexted(skips) });
    const started = await this.start(wave, campaign);
    const now = (await this.campaigns.findOne({ _id: campaign._id })) ?? campaign;
    return { outcome: await this.follow(now, started), waveId: wave._id };
  }

  /** campaignStats(id).sms: null for a campaign with no SMS wave. */
  stats(campaignId: string): Promise<TextStats | null> {
    return textStats(this.deps.db, campaignId);
  }

  /** pauseCampaign: its wave stops taking recipients. */
  async pause(campaign: CampaignDoc): Promise<void> {
    if (campaign.smsWaveId) await this.act(campaign.smsWaveId, ['SENDING'], (id) => this.deps.lifecycle.pause(id));
  }

  /** cancelCampaign: its wave is cancelled (its texts not sent yet are SKIPPED), outcomes written. */
  async cancel(campaign: CampaignDoc): Promise<void> {
    if (!campaign.smsWaveId) return;
    await this.act(campaign.smsWaveId, ['DRAFT', 'SCHEDULED', 'SENDING', 'PAUSED'], (id) =>
      this.deps.lifecycle.cancel(id),
    );
    await recordTextOutcomes(this.deps.db, campaign._id, campaign.smsWaveId);
  }

  /**
   * A wave-send run ended with its wave no longer SENDING: the campaign of a campaign's wave
   * follows it (SENT or CANCELLED with every text's outcome on its recipient; PAUSED when the
   * wave paused itself). Idempotent: the waves call it again when the run's job runs again.
   */
  async waveEnded(wave: WaveDoc): Promise<void> {
    const campaign = await this.campaigns.findOne({ _id: wave.config.campaignId, smsWaveId: wave._id });
    if (campaign) await this.follow(campaign, wave);
  }

  /** DRAFT: sendNow; PAUSED: resume; otherwise as it is. */
  private async start(wave: WaveDoc, campaign: CampaignDoc): Promise<WaveDoc> {
    if (!(await this.stillSending(campaign))) return wave;
    if (wave.status === 'DRAFT') return this.act(wave._id, ['DRAFT'], (id) => this.deps.lifecycle.sendNow(id));
    if (wave.status === 'PAUSED') return this.act(wave._id, ['PAUSED'], (id) => this.deps.lifecycle.resume(id));
    if (wave.status === 'FAILED') {
      throw new PermanentJobError(
        `The SMS wave ${wave._id} failed: ${wave.statusReason ?? 'no reason given'}`,
        'FAILED',
      );
    }
    return wave;
  }

  /** Whether the campaign is still SENDING under the launch that holds it. */
  private async stillSending(campaign: CampaignDoc): Promise<boolean> {
    const current = await this.campaigns.findOne({ _id: campaign._id });
    return current?.status === 'SENDING' && current.sendKey === campaign.sendKey;
  }

  /** Brings the campaign and its wave together; answers where the campaign stands. */
  private async follow(campaign: CampaignDoc, wave: WaveDoc): Promise<TextingOutcome> {
    if (campaign.status === 'CANCELLED') {
      await this.cancel(campaign);
      return 'CANCELLED';
    }
    if (wave.status === 'SENT') {
      await this.move(campaign, ['SCHEDULED', 'SENDING', 'PAUSED'], 'SENT', wave.finishedAt ?? new Date());
      await recordTextOutcomes(this.deps.db, campaign._id, wave._id);
      return 'SENT';
    }
    if (wave.status === 'CANCELLED') {
      await this.move(campaign, ['SCHEDULED', 'SENDING', 'PAUSED'], 'CANCELLED', wave.finishedAt ?? new Date());
      await recordTextOutcomes(this.deps.db, campaign._id, wave._id);
      return 'CANCELLED';
    }
    if (campaign.status === 'PAUSED') {
      await this.pause(campaign);
      return 'PAUSED';
    }
    if (wave.status === 'PAUSED' && campaign.status === 'SENDING') {
      await this.move(campaign, ['SENDING'], 'PAUSED');
      return 'PAUSED';
    }
    return campaign.status === 'SENDING' ? 'TEXTING' : 'SUPERSEDED';
  }

  private async move(campaign: CampaignDoc, from: CampaignStatus[], to: CampaignStatus, finishedAt?: Date) {
    const moved = await this.campaigns.updateOne(
      { _id: campaign._id, status: { $in: from } },
      { $set: { status: to, ...(finishedAt ? { finishedAt } : {}), updatedAt: new Date() } },
    );
    if (moved.modifiedCount === 1)
      this.deps.logger.info({ campaignId: campaign._id, status: to }, 'campaign follows its SMS wave');
  }

  /**
   * A lifecycle action on the wave when its status allows it; a race lost to another caller (the
   * wave moved meanwhile) is not an error: the wave is answered as it is now.
   */
  private async act(waveId: string, allowed: WaveStatus[], action: (id: string) => Promise<WaveDoc>): Promise<WaveDoc> {
    const waves = this.deps.db.collection<WaveDoc>(WAVES);
    const wave = await requireWave(waves, waveId);
    if (!allowed.includes(wave.status)) return wave;
    try {
      return await action(waveId);
    } catch (error) {
      if (!(error instanceof AppError) || error.code !== 'CONFLICT') throw error;
      return requireWave(waves, waveId);
    }
  }
}
