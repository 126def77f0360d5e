import { Arg, Args, ArgsType, Authorized, Ctx, Field, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Role } from '../../auth/roles';
import type { GraphQLContext } from '../../context';
import { notFound } from '../../errors';
import { archiveCampaign, createCampaign, getCampaign, updateCampaign } from '../../services/campaigns/campaigns';
import { C, type AudienceDoc, type CampaignDoc, type SenderDoc, type TemplateDoc } from '../../services/campaigns/model';
import { paginate } from '../../services/pagination';
import { CampaignInput, CampaignUpdateInput } from '../../schema/campaigns/campaign.input';
import { Campaign, CampaignConnection } from '../../schema/campaigns/campaign.type';
import { Audience, Sender, Template } from '../../schema/campaigns/catalog.type';
import { CampaignStatus } from '../../schema/campaigns/enums';
import { ListArgs, archivedFilter } from './args';

@ArgsType()
class CampaignsArgs extends ListArgs {
  @Field(() => CampaignStatus, { nullable: true })
  status?: CampaignStatus;
}

@Resolver(() => Campaign)
export class CampaignResolver {
  @Authorized(Role.VIEWER)
  @Query(() => CampaignConnection, { description: 'Campaigns, newest first' })
  campaigns(@Args() { first, after, includeArchived, status }: CampaignsArgs, @Ctx() { app }: GraphQLContext): Promise<CampaignConnection> {
    const filter = { ...archivedFilter(includeArchived), ...(status ? { status } : {}) };
    return paginate(app.db.collection<CampaignDoc>(C.campaigns), filter, { first, after }, {
      sortField: 'createdAt',
      direction: -1,
      toNode: Campaign.fromDocument,
    });
  }

  @Authorized(Role.VIEWER)
  @Query(() => Campaign)
  async campaign(@Arg('id', () => ID) id: string, @Ctx() { app }: GraphQLContext): Promise<Campaign> {
    return Campaign.fromDocument(await getCampaign(app.db, id));
  }

  @FieldResolver(() => Template)
  async template(@Root() campaign: Campaign, @Ctx() { loaders }: GraphQLContext): Promise<Template> {
    const doc = await loaders.byId<TemplateDoc>(C.templates).load(campaign.templateId);
    if (!doc) throw notFound('Template', campaign.templateId);
    return Template.fromDocument(doc);
  }

  @FieldResolver(() => Sender)
  async sender(@Root() campaign: Campaign, @Ctx() { loaders }: GraphQLContext): Promise<Sender> {
    const doc = await loaders.byId<SenderDoc>(C.senders).load(campaign.senderId);
    if (!doc) throw notFound('Sender', campaign.senderId);
    return Sender.fromDocument(doc);
  }

  @FieldResolver(() => [Audience])
  async audiences(@Root() campaign: Campaign, @Ctx() { loaders }: GraphQLContext): Promise<Audience[]> {
    const docs = await loaders.byId<AudienceDoc>(C.audiences).loadMany(campaign.audienceIds);
    return docs.flatMap((doc) => (doc && !(doc instanceof Error) ? [Audience.fromDocument(doc)] : []));
  }

  @Authorized(Role.OPERATOR)
  @Mutation(() => Campaign, { description: 'A DRAFT campaign; schedule it or send it now to launch' })
  async createCampaign(@Arg('input') input: CampaignInput, @Ctx() { app }: GraphQLContext): Promise<Campaign> {
    return Campaign.fromDocument(await createCampaign(app.db, { ...input }));
  }

  @Authorized(Role.OPERATOR)
  @Mutation(() => Campaign)
  async updateCampaign(@Arg('id', () => ID) id: string, @Arg('input') input: CampaignUpdateInput, @Ctx() { app }: GraphQLContext): Promise<Campaign> {
    return Campaign.fromDocument(await updateCampaign(app.db, id, { ...input }));
  }

  @Authorized(Role.OPERATOR)
  @Mutation(() => Campaign, { description: 'Hides the campaign from lists (not while SCHEDULED or SENDING); archived=false restores it' })
  async archiveCampaign(
    @Arg('id', () => ID) id: string,
    @Arg('archived', { defaultValue: true }) archived: boolean,
    @Ctx() { app }: GraphQLContext,
  ): Promise<Campaign> {
    return Campaign.fromDocument(await archiveCampaign(app.db, id, archived));
  }
}
