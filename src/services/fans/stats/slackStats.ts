import { NotifierError, type NotifierPort } from '../../../datasources/notifier/port';
import type { Db } from '../../../datasources/store';
import { FAN_CAMPAIGNS, type FanCampaignDoc } from '../model';
import { campaignFigures } from './figures';
import { statsMessage, type PostedFigures } from './slackMessage';

/** The last figures posted per campaign: what the next message's growth is measured from. */
export const SLACK_STATS_STATE = 'fanSlackStats';

export interface SlackStatsStateDoc extends PostedFigures {
  /** The campaign's id. */
  _id: string;
  /** The run that posted it: a retried run skips the campaigns it already posted. */
  jobId: string;
  notificationId: string;
}

export interface SlackStatsOutcome {
  posted: number;
  /** Already posted by this run before it was retried. */
  skipped: number;
  /** Refused by Slack (a 4xx): posting again cannot help. */
  refused: { campaignId: string; reason: string }[];
}

/**
 * Seed 004 slackStats: one message per OPEN campaign through the notifier port, with the growth
 * since the previous message. The figures are computed at posting time (aggregations, as the
 * snapshots are), and stored once the message is delivered: a message that failed leaves the
 * previous figures as the base of the next one.
 */
export class SlackStatsReporter {
  constructor(
    private readonly db: Db,
    private readonly notifier: NotifierPort,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /**
   * Posts for every OPEN campaign. A transient failure (Slack unreachable, 5xx or 429 past the
   * retries) is thrown, so the job retries; a refusal is reported and the other campaigns go on.
   */
  async postOpenCampaigns(
    jobId: string,
    onCampaign?: (done: number, total: number) => Promise<void>,
  ): Promise<SlackStatsOutcome> {
    const outcome: SlackStatsOutcome = { posted: 0, skipped: 0, refused: [] };
    const campaigns = this.db.collection<FanCampaignDoc>(FAN_CAMPAIGNS);
    const total = await campaigns.countDocuments({ status: 'OPEN' });
    let done = 0;
    for await (const campaign of campaigns.find({ status: 'OPEN' }, { sort: { _id: 1 } })) {
      try {
        outcome[(await this.post(campaign, jobId)) ? 'posted' : 'skipped']++;
      } catch (error) {
        if (!(error instanceof NotifierError && error.permanent)) throw error;
        outcome.refused.push({ campaignId: campaign._id, reason: error.message });
      }
      done++;
      await onCampaign?.(done, Math.max(total, done));
    }
    return outcome;
  }

  /** Posts the campaign's message; false when run `jobId` posted it already. */
  async post(campaign: FanCampaignDoc, jobId: string): Promise<boolean> {
    const state = this.db.collection<SlackStatsStateDoc>(SLACK_STATS_STATE);
    const previous = await state.findOne({ _id: campaign._id });
    if (previous?.jobId === jobId) return false;
    const at = this.clock();
    const figures = await campaignFigures(this.db, campaign._id);
    const message = statsMessage(campaign, figures, previous, { kind: 'fan-stats', campaignId: campaign._id, jobId });
    const { id } = await this.notifier.notify(message);
    const posted: SlackStatsStateDoc = {
      _id: campaign._id,
      jobId,
      notificationId: id,
      at,
      registrations: figures.registrations.total,
      perMarket: figures.registrations.perMarket,
    };
    await state.replaceOne({ _id: campaign._id }, posted, { upsert: true });
    return true;
  }

  /** The figures last posted for a campaign (null before its first message). */
  lastPosted(campaignId: string): Promise<SlackStatsStateDoc | null> {
    return this.db.collection<SlackStatsStateDoc>(SLACK_STATS_STATE).findOne({ _id: campaignId });
  }
}
