import { Arg, Args, ArgsType, Authorized, Ctx, Field, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import { Role } from '../../auth/roles';
import type { GraphQLContext } from '../../context';
import { connectionComplexity } from '../../schema/complexity';
import { PageArgs } from '../../schema/connection';
import { PerformanceEntryFilter, PerformanceGroupBy } from '../../schema/tracking/performance.input';
import { PerformanceEntry, PerformanceEntryConnection } from '../../schema/tracking/performanceEntry.type';
import { PerformanceSummaryRow } from '../../schema/tracking/performanceSummary.type';
import { AdCampaign, InsertionOrder, Publication } from '../../schema/tracking/related.type';
import type { TrackingServices } from '../../services/tracking/trackingServices';

@ArgsType()
class PerformanceEntriesArgs extends PageArgs {
  @Field(() => PerformanceEntryFilter, { nullable: true }) filter?: PerformanceEntryFilter | null;
}

/** Reading performance entries: a paginated list and grouped sums. */
@Resolver(() => PerformanceEntry)
export class PerformanceEntryResolver {
  constructor(private readonly services: TrackingServices) {}

  @Authorized(Role.VIEWER)
  @Query(() => PerformanceEntryConnection, {
    description: 'Performance entries, latest day first',
    complexity: connectionComplexity,
  })
  performanceEntries(@Args() { filter, first, after }: PerformanceEntriesArgs): Promise<PerformanceEntryConnection> {
    return this.services.performance.list(filter ?? {}, { first, after }, PerformanceEntry.fromDocument);
  }

  @Authorized(Role.VIEWER)
  // One aggregate whatever the number of groups, and its rows hold only scalars: priced as a
  // few fields, not per row (the group count is unknown before it runs, at most 5000).
  @Query(() => [PerformanceSummaryRow], {
    description: 'Sums of the filtered entries per group, ratios recomputed from the sums',
    complexity: ({ childComplexity }) => 10 + childComplexity,
  })
  async performanceSummary(
    @Arg('filter', () => PerformanceEntryFilter, { nullable: true }) filter: PerformanceEntryFilter | null,
    @Arg('groupBy', () => [PerformanceGroupBy], { defaultValue: [] }) groupBy: PerformanceGroupBy[],
    @Ctx() { loaders }: GraphQLContext,
  ): Promise<PerformanceSummaryRow[]> {
    const rows = await this.services.performance.summarize(filter ?? {}, groupBy, loaders);
    return rows.map((row) => Object.assign(new PerformanceSummaryRow(), row));
  }

  @FieldResolver(() => InsertionOrder, { nullable: true })
  async order(@Root() entry: PerformanceEntry, @Ctx() { loaders }: GraphQLContext): Promise<InsertionOrder | null> {
    const order = await this.services.related.order(loaders, entry.orderId);
    return order ? InsertionOrder.fromDocument(order) : null;
  }

  @FieldResolver(() => AdCampaign, { nullable: true })
  async campaign(@Root() entry: PerformanceEntry, @Ctx() { loaders }: GraphQLContext): Promise<AdCampaign | null> {
    const campaign = await this.services.related.adCampaign(loaders, entry.campaignId);
    return campaign ? AdCampaign.fromDocument(campaign) : null;
  }

  @FieldResolver(() => Publication, { nullable: true })
  async publication(@Root() entry: PerformanceEntry, @Ctx() { loaders }: GraphQLContext): Promise<Publication | null> {
    const publication = await this.services.related.publication(loaders, entry.publicationId);
    return publication ? Publication.fromDocument(publication) : null;
  }
}
