import { notFound } from '../../../errors';
import type { JobRecord, Jobs } from '../../../jobs/jobType';
import type { StatsSnapshots } from './snapshots';
import { FAN_STATS_JOB, type FanStatsParams } from './statsJobs';

/** refreshFanStats: a snapshot of one campaign now, as a fan-stats job (NOT_FOUND for an unknown campaign). */
export class StatsRefresh {
  constructor(
    private readonly snapshots: StatsSnapshots,
    private readonly jobs: Jobs,
  ) {}

  async request(campaignId: string, requestedBy?: string): Promise<JobRecord> {
    if (!(await this.snapshots.campaignExists(campaignId))) throw notFound('Fan campaign', campaignId);
    return this.jobs.enqueue<FanStatsParams>(FAN_STATS_JOB, { campaignId }, { trigger: 'MANUAL', requestedBy });
  }
}
