import { z } from 'zod';
import { PermanentJobError, type JobType } from '../../../jobs/jobType';
import type { SlackStatsReporter } from './slackStats';
import type { StatsSnapshots } from './snapshots';

export const FAN_STATS_JOB = 'fan-stats';
export const SLACK_STATS_JOB = 'slack-stats';

const fanStatsParams = z.object({
  /** One campaign (refreshFanStats), whatever its status; absent: every OPEN campaign (the schedule). */
  campaignId: z.string().min(1).optional(),
});
export type FanStatsParams = z.infer<typeof fanStatsParams>;

/** Seed 004 saveStats: an adminStats snapshot per open campaign (FAN_STATS, every 5 minutes). */
export function fanStatsJob(stats: { snapshots: StatsSnapshots }): JobType<FanStatsParams, { snapshots: number }> {
  return {
    name: FAN_STATS_JOB,
    params: fanStatsParams,
    options: { attempts: 3, timeoutMs: 4 * 60 * 1000 },
    async perform({ campaignId }, context) {
      let snapshots = 1;
      if (campaignId) {
        if (!(await stats.snapshots.campaignExists(campaignId))) {
          throw new PermanentJobError(`Fan campaign ${campaignId} was not found`, 'NOT_FOUND');
        }
        await stats.snapshots.save(campaignId, context.jobId);
      } else {
        snapshots = await stats.snapshots.saveOpenCampaigns(context.jobId, (done, total) =>
          context.progress(done / total, `${done} of ${total} campaigns`),
        );
      }
      await context.setStats({ snapshots });
      return { snapshots };
    },
  };
}

/**
 * Seed 004 slackStats: a message per open campaign (SLACK_STATS, every 30 minutes). Campaigns
 * Slack refused (a 4xx) fail the job at the end, after the others were posted.
 */
export function slackStatsJob(stats: {
  slack: SlackStatsReporter;
}): JobType<Record<string, never>, { posted: number }> {
  return {
    name: SLACK_STATS_JOB,
    params: z.object({}).strict(),
    options: { attempts: 3, backoffMs: 30_000, timeoutMs: 25 * 60 * 1000 },
    async perform(_params, context) {
      const outcome = await stats.slack.postOpenCampaigns(context.jobId, (done, total) =>
        context.progress(done / total, `${done} of ${total} campaigns`),
      );
      await context.setStats({ posted: outcome.posted, skipped: outcome.skipped, refused: outcome.refused.length });
      if (outcome.refused.length) {
        const reasons = outcome.refused.map(({ campaignId, reason }) => `${campaignId}: ${reason}`).join('; ');
        throw new PermanentJobError(`Slack refused the stats of ${outcome.refused.length} campaign(s): ${reasons}`);
      }
      return { posted: outcome.posted };
    },
  };
}
