import type { ComplexityEstimatorArgs } from 'graphql-query-complexity';
import { DateTime } from '../../schema/dateTime';
import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Resolver, Root } from 'type-graphql';
import { Role } from '../../auth/roles';
import type { GraphQLContext } from '../../context';
import { FanCampaign } from '../../schema/fans/campaign.type';
import { AdminStats } from '../../schema/fans/stats.type';
import { Job } from '../../schema/jobs/job.type';
import type { AdminStatsDoc } from '../../services/fans/model';
import type { FanServices } from '../../services/fans/services';
import { DEFAULT_HISTORY } from '../../services/fans/stats/snapshots';

/** A history is priced as the snapshots it may answer, as connections are (schema/complexity.ts). */
const historyComplexity = ({ args, childComplexity }: ComplexityEstimatorArgs) =>
  1 + Math.max(1, typeof args.first === 'number' && args.first >= 0 ? args.first : DEFAULT_HISTORY) * childComplexity;

/** A fan campaign's admin stats: the latest snapshot, the series for charts, a refresh on demand. */
@Resolver(() => FanCampaign)
export class FanStatsResolver {
  constructor(private readonly services: FanServices) {}

  @FieldResolver(() => AdminStats, { nullable: true, description: 'The newest snapshot (null before the first)' })
  async latestStats(@Root() campaign: FanCampaign, @Ctx() { loaders }: GraphQLContext): Promise<AdminStats | null> {
    // one indexed read per campaign (the newest of its series), batched per request
    const loader = loaders.custom<string, AdminStatsDoc | null>('fanLatestStats', (campaignIds) =>
      Promise.all(campaignIds.map((campaignId) => this.services.stats.snapshots.latest(campaignId))),
    );
    const doc = await loader.load(campaign.id);
    return doc ? AdminStats.fromDocument(doc) : null;
  }

  @FieldResolver(() => [AdminStats], {
    complexity: historyComplexity,
    description:
      'Snapshots taken in [from, to), oldest first (from: a day before to; to: now; first: 100, at most 1000). ' +
      "Next page: from = the last snapshot's at plus 1 ms",
  })
  async statsHistory(
    @Root() campaign: FanCampaign,
    @Arg('from', () => DateTime, { nullable: true }) from?: Date | null,
    @Arg('to', () => DateTime, { nullable: true }) to?: Date | null,
    @Arg('first', () => Int, { nullable: true }) first?: number | null,
  ): Promise<AdminStats[]> {
    const docs = await this.services.stats.snapshots.history(campaign.id, { from, to, first });
    return docs.map(AdminStats.fromDocument);
  }

  @Authorized(Role.OPERATOR)
  @Mutation(() => Job, { description: 'Takes a stats snapshot of the campaign now; answers the fan-stats job' })
  async refreshFanStats(
    @Arg('campaignId', () => ID) campaignId: string,
    @Ctx() { principal }: GraphQLContext,
  ): Promise<Job> {
    return Job.fromRecord(await this.services.stats.refresh.request(campaignId, principal?.keyId));
  }
}
