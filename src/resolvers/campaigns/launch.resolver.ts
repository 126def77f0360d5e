import { DateTime } from '../../schema/dateTime';
import { Arg, Authorized, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import { Role } from '../../auth/roles';
import type { GraphQLContext } from '../../context';
import type { CampaignServices } from '../../services/campaigns/services';
import { Campaign } from '../../schema/campaigns/campaign.type';
import { Job } from '../../schema/jobs/job.type';

/** Launching campaigns and exporting their events: each answers the Job it enqueued. */
@Resolver()
export class CampaignLaunchResolver {
  constructor(private readonly campaigns: CampaignServices) {}

  @Authorized(Role.OPERATOR)
  @Mutation(() => Job, {
    description: 'Sends the campaign at sendAt (the audience is frozen then); answers the campaign-send job',
  })
  async scheduleCampaign(
    @Arg('id', () => ID) id: string,
    @Arg('sendAt', () => DateTime) sendAt: Date,
    @Ctx() { principal }: GraphQLContext,
  ): Promise<Job> {
    return Job.fromRecord(await this.campaigns.launch.schedule(id, sendAt, principal?.keyId));
  }

  @Authorized(Role.OPERATOR)
  @Mutation(() => Job, { description: 'Freezes the audience and sends now; answers the campaign-send job' })
  async sendCampaignNow(@Arg('id', () => ID) id: string, @Ctx() { principal }: GraphQLContext): Promise<Job> {
    return Job.fromRecord(await this.campaigns.launch.sendNow(id, principal?.keyId));
  }

  @Authorized(Role.OPERATOR)
  @Mutation(() => Campaign, {
    description: 'Stops sending after the current batch; resumeCampaign continues where it stopped',
  })
  async pauseCampaign(@Arg('id', () => ID) id: string): Promise<Campaign> {
    return Campaign.fromDocument(await this.campaigns.launch.pause(id));
  }

  @Authorized(Role.OPERATOR)
  @Mutation(() => Job, { description: 'Continues a PAUSED campaign with the recipients not sent yet' })
  async resumeCampaign(@Arg('id', () => ID) id: string, @Ctx() { principal }: GraphQLContext): Promise<Job> {
    return Job.fromRecord(await this.campaigns.launch.resume(id, principal?.keyId));
  }

  @Authorized(Role.OPERATOR)
  @Mutation(() => Campaign, { description: 'Final: nothing more is sent' })
  async cancelCampaign(@Arg('id', () => ID) id: string): Promise<Campaign> {
    return Campaign.fromDocument(await this.campaigns.launch.cancel(id));
  }

  @Authorized(Role.OPERATOR)
  @Mutation(() => Job, {
    description:
      'Re-exports campaign events recorded in [from, to) (whole UTC hours) to raw/campaign_events/; rewrites the same files',
  })
  async exportCampaignEvents(
    @Arg('from', () => DateTime) from: Date,
    @Arg('to', () => DateTime) to: Date,
    @Ctx() { principal }: GraphQLContext,
  ): Promise<Job> {
    return Job.fromRecord(await this.campaigns.launch.exportEvents(from, to, principal?.keyId));
  }
}
