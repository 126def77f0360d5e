import { Arg, Args, ArgsType, Authorized, Ctx, Field, FieldResolver, Int, Query, Resolver, Root } from 'type-graphql';
import { Role } from '../../auth/roles';
import type { GraphQLContext } from '../../context';
import { connectionComplexity } from '../../schema/complexity';
import { PerformanceEntryFilter, PerformanceGroupBy } from '../../schema/tracking/performance.input';
import { PerformanceEntry, PerformanceEntryConnection } from '../../schema/tracking/performanceEntry.type';
import { PerformanceSummaryRow } from '../../schema/tracking/performanceSummary.type';
import { AdCampaign, InsertionOrder, Publication } from '../../schema/tracking/related.type';
import { listPerformanceEntries, summarizePerformance } from '../../services/tracking/performanceQueries';
import { adCampaignLoader, orderLoader, publicationLoader } from '../../services/tracking/relatedDocuments';

@ArgsType()
class PerformanceEntriesArgs {
  @Field(() => PerformanceEntryFilter, { nullable: true }) filter?: PerformanceEntryFilter | null;
  @Field(() => Int, { nullable: true }) first?: number | null;
  @Field(() => String, { nullable: true }) after?: string | null;
}

/** Reading performance entries: a paginated list and grouped sums. */
@Resolver(() => PerformanceEntry)
export class PerformanceEntryResolver {
  @Authorized(Role.VIEWER)
  @Query(() => PerformanceEntryConnection, { description: 'Performance entries, latest day first', complexity: connectionComplexity })
  performanceEntries(@Args() { filter, first, after }: PerformanceEntriesArgs, @Ctx() { app }: GraphQLContext): Promise<PerformanceEntryConnection> {
    return listPerformanceEntries(app.db, filter ?? {}, { first, after }, PerformanceEntry.fromDocument);
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
    @Ctx() { app }: GraphQLContext,
  ): Promise<PerformanceSummaryRow[]> {
    const rows = await summarizePerformance(app.db, filter ?? {}, groupBy);
    return rows.map((row) => Object.assign(new PerformanceSummaryRow(), row));
  }

  @FieldResolver(() => InsertionOrder, { nullable: true })
  async order(@Root() entry: PerformanceEntry, @Ctx() { app, loaders }: GraphQLContext): Promise<InsertionOrder | null> {
    const order = await orderLoader(loaders, app.db).load(entry.orderId);
    return order ? InsertionOrder.fromDocument(order) : null;
  }

  @FieldResolver(() => AdCampaign, { nullable: true })
  async campaign(@Root() entry: PerformanceEntry, @Ctx() { loaders }: GraphQLContext): Promise<AdCampaign | null> {
    const campaign = await adCampaignLoader(loaders).load(entry.campaignId);
    return campaign ? AdCampaign.fromDocument(campaign) : null;
  }

  @FieldResolver(() => Publication, { nullable: true })
  async publication(@Root() entry: PerformanceEntry, @Ctx() { loaders }: GraphQLContext): Promise<Publication | null> {
    const publication = await publicationLoader(loaders).load(entry.publicationId);
    return publication ? Publication.fromDocument(publication) : null;
  }
}
