import { Arg, Args, ArgsType, Authorized, Ctx, Field, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import { Role } from '../../auth/roles';
import type { GraphQLContext } from '../../context';
import { getCampaign } from '../../services/campaigns/campaigns';
import { C, type RecipientDoc } from '../../services/campaigns/model';
import { membersOf } from '../../services/campaigns/recipientMembers';
import { exportCampaignRecipients, recipientQuery } from '../../services/campaigns/recipients';
import { campaignStats } from '../../services/campaigns/stats';
import { paginate } from '../../services/pagination';
import { CampaignEvent, CampaignStats, FileExport } from '../../schema/campaigns/analytics.type';
import { ConversionInput, RecipientFilterInput, TimeRangeInput } from '../../schema/campaigns/campaign.input';
import { CampaignRecipient, CampaignRecipientConnection } from '../../schema/campaigns/campaign.type';
import { StatsGranularity } from '../../schema/campaigns/enums';
import { campaignTracking } from './tracking.routes';

@ArgsType()
class RecipientsArgs {
  @Field(() => ID) id!: string;
  @Field(() => RecipientFilterInput, { nullable: true }) filter?: RecipientFilterInput;
  @Field(() => Int, { nullable: true }) first?: number;
  @Field(() => String, { nullable: true }) after?: string;
}

/** Campaign analytics: stats, who opened or clicked, the CSV export of it, conversions. */
@Resolver()
export class CampaignAnalyticsResolver {
  @Authorized(Role.VIEWER)
  @Query(() => CampaignStats, { description: 'Counts, rates, per-link clicks and a time series (hourly under 7 days, daily otherwise)' })
  async campaignStats(
    @Arg('id', () => ID) id: string,
    @Arg('range', () => TimeRangeInput, { nullable: true }) range: TimeRangeInput | undefined,
    @Ctx() { app }: GraphQLContext,
  ): Promise<CampaignStats> {
    const stats = await campaignStats(app.db, id, range ?? {});
    return Object.assign(new CampaignStats(), stats, { granularity: stats.granularity as StatsGranularity });
  }

  @Authorized(Role.VIEWER)
  @Query(() => CampaignRecipientConnection, { description: "A campaign's recipients, filtered by what they did" })
  async campaignRecipients(@Args() { id, filter, first, after }: RecipientsArgs, @Ctx() { app }: GraphQLContext): Promise<CampaignRecipientConnection> {
    await getCampaign(app.db, id);
    const page = await paginate(app.db.collection<RecipientDoc>(C.recipients), recipientQuery(id, filter ?? {}), { first, after }, {
      toNode: (doc) => doc,
    });
    const members = await membersOf(app.db, page.edges.map((edge) => edge.node));
    const edges = page.edges.map(({ cursor, node }) => ({ cursor, node: CampaignRecipient.fromDocument(node, members.get(node.memberId)) }));
    return { ...page, edges };
  }

  @Authorized(Role.OPERATOR)
  @Mutation(() => FileExport, {
    description: 'Writes the matching recipients as CSV to the objects port now (streamed) and answers a signed link valid 24 hours',
  })
  exportCampaignRecipients(
    @Arg('id', () => ID) id: string,
    @Arg('filter', () => RecipientFilterInput, { nullable: true }) filter: RecipientFilterInput | undefined,
    @Ctx() { app }: GraphQLContext,
  ): Promise<FileExport> {
    return exportCampaignRecipients(app, id, filter ?? {});
  }

  @Authorized(Role.OPERATOR)
  @Mutation(() => CampaignEvent, { description: 'Records a conversion; with eventId, a retry is stored once' })
  async recordConversion(@Arg('input') input: ConversionInput, @Ctx() { app }: GraphQLContext): Promise<CampaignEvent> {
    const event = await campaignTracking(app).conversion(input);
    return Object.assign(new CampaignEvent(), { ...event, id: event._id });
  }
}
