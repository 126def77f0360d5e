import { Arg, Args, ArgsType, Authorized, Field, ID, Mutation, Query, Resolver } from 'type-graphql';
import { Role } from '../../auth/roles';
import { FanCampaignInput, FanCampaignUpdateInput } from '../../schema/fans/campaign.input';
import { FanCampaign, FanCampaignConnection } from '../../schema/fans/campaign.type';
import { FanCampaignStatus } from '../../schema/fans/enums';
import { connectionComplexity } from '../../schema/complexity';
import { PageArgs } from '../../schema/connection';
import type { FanServices } from '../../services/fans/services';

@ArgsType()
class FanCampaignsArgs extends PageArgs {
  @Field(() => FanCampaignStatus, { nullable: true, description: 'Only campaigns in this status' })
  status?: FanCampaignStatus | null;
}

/** Fan campaigns: viewers read them, operators set them up, open and close them. */
@Resolver(() => FanCampaign)
export class FanCampaignResolver {
  constructor(private readonly services: FanServices) {}

  @Authorized(Role.VIEWER)
  @Query(() => FanCampaignConnection, { description: 'Fan campaigns, newest first', complexity: connectionComplexity })
  fanCampaigns(@Args() { status, first, after }: FanCampaignsArgs): Promise<FanCampaignConnection> {
    return this.services.campaigns.list(status, { first, after }, FanCampaign.fromDocument);
  }

  @Authorized(Role.VIEWER)
  @Query(() => FanCampaign, { description: 'One fan campaign with its markets' })
  async fanCampaign(@Arg('id', () => ID) id: string): Promise<FanCampaign> {
    return FanCampaign.fromDocument(await this.services.campaigns.get(id));
  }

  @Authorized(Role.OPERATOR)
  @Mutation(() => FanCampaign, { description: 'Creates a DRAFT fan campaign' })
  async createFanCampaign(@Arg('input', () => FanCampaignInput) input: FanCampaignInput): Promise<FanCampaign> {
    return FanCampaign.fromDocument(await this.services.campaigns.create({ ...input }));
  }

  @Authorized(Role.OPERATOR)
  @Mutation(() => FanCampaign, {
    description: 'Changes a DRAFT or OPEN fan campaign; removing a market that entries name is a CONFLICT',
  })
  async updateFanCampaign(
    @Arg('id', () => ID) id: string,
    @Arg('input', () => FanCampaignUpdateInput) input: FanCampaignUpdateInput,
  ): Promise<FanCampaign> {
    return FanCampaign.fromDocument(await this.services.campaigns.update(id, { ...input }));
  }

  @Authorized(Role.OPERATOR)
  @Mutation(() => FanCampaign, { description: 'DRAFT -> OPEN: registrations are accepted' })
  async openFanCampaign(@Arg('id', () => ID) id: string): Promise<FanCampaign> {
    return FanCampaign.fromDocument(await this.services.campaigns.open(id));
  }

  @Authorized(Role.OPERATOR)
  @Mutation(() => FanCampaign, { description: 'OPEN -> CLOSED: registrations stop' })
  async closeFanCampaign(@Arg('id', () => ID) id: string): Promise<FanCampaign> {
    return FanCampaign.fromDocument(await this.services.campaigns.close(id));
  }
}
