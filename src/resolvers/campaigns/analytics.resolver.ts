import { Arg, Args, ArgsType, Authorized, Field, ID, Mutation, Query, Resolver } from 'type-graphql';
import { Role } from '../../auth/roles';
import type { CampaignServices } from '../../services/campaigns/services';
import { CampaignEvent, CampaignStats, FileExport } from '../../schema/campaigns/analytics.type';
import { ConversionInput, RecipientFilterInput, TimeRangeInput } from '../../schema/campaigns/campaign.input';
import { CampaignRecipient, CampaignRecipientConnection } from '../../schema/campaigns/campaign.type';
import { StatsGranularity } from '../../schema/campaigns/enums';
import { PageArgs } from '../../schema/connection';

@ArgsType()
class RecipientsArgs extends PageArgs {
  @Field(() => ID) id!: string;
  @Field(() => RecipientFilterInput, { nullable: true }) filter?: RecipientFilterInput;
}

/** Campaign analytics: stats, who opened or clicked, the CSV export of it, conversions. */
@Resolver()
export class CampaignAnalyticsResolver {
  constructor(private readonly campaigns: CampaignServices) {}

  @Authorized(Role.VIEWER)
  @Query(() => CampaignStats, {
    description: 'Counts, rates, per-link clicks and a time series (hourly under 7 days, daily otherwise)',
  })
  async campaignStats(
    @Arg('id', () => ID) id: string,
    @Arg('range', () => TimeRangeInput, { nullable: true }) range: TimeRangeInput | undefined,
  ): Promise<CampaignStats> {
    const stats = await this.campaigns.analytics.stats(id, range ?? {});
    return Object.assign(new CampaignStats(), stats, { granularity: stats.granularity as StatsGranularity });
  }

  @Authorized(Role.VIEWER)
  @Query(() => CampaignRecipientConnection, { description: "A campaign's recipients, filtered by what they did" })
  campaignRecipients(@Args() { id, filter, first, after }: RecipientsArgs): Promise<CampaignRecipientConnection> {
    return this.campaigns.analytics.recipients(id, filter ?? {}, { first, after }, CampaignRecipient.fromDocument);
  }

  @Authorized(Role.OPERATOR)
  @Mutation(() => FileExport, {
    description:
      'Writes the matching recipients as CSV to the objects port now (streamed) and answers a signed link valid 24 hours',
  })
  exportCampaignRecipients(
    @Arg('id', () => ID) id: string,
    @Arg('filter', () => RecipientFilterInput, { nullable: true }) filter: RecipientFilterInput | undefined,
  ): Promise<FileExport> {
    return this.campaigns.analytics.exportRecipients(id, filter ?? {});
  }

  @Authorized(Role.OPERATOR)
  @Mutation(() => CampaignEvent, { description: 'Records a conversion; with eventId, a retry is stored once' })
  async recordConversion(@Arg('input') input: ConversionInput): Promise<CampaignEvent> {
    const event = await this.campaigns.tracking.conversion(input);
    return Object.assign(new CampaignEvent(), { ...event, id: event._id });
  }
}
