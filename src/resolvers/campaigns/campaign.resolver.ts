import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { GraphQLContext } from '../../context';
import { notFound } from '../../errors';
import { C, type AudienceDoc, type SenderDoc, type TemplateDoc } from '../../services/campaigns/model';
import { Campaign } from '../../schema/campaigns/campaign.type';
import { Audience, Sender, Template } from '../../schema/campaigns/catalog.type';
import { Wave } from '../../schema/waves/wave.type';
import { WAVES, type WaveDoc } from '../../services/waves/model';

/** The template, sender, audiences and SMS wave a campaign names, one query per kind per request. */
@Resolver(() => Campaign)
export class CampaignReferencesResolver {
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

  @FieldResolver(() => Wave, {
    nullable: true,
    description: 'MOBILE campaigns: the SMS wave that sends the texts (its counts, progress, expected finish)',
  })
  async smsWave(@Root() campaign: Campaign, @Ctx() { loaders }: GraphQLContext): Promise<Wave | null> {
    if (!campaign.smsWaveId) return null;
    const doc = await loaders.byId<WaveDoc>(WAVES).load(campaign.smsWaveId);
    return doc ? Wave.fromDocument(doc) : null;
  }

  @FieldResolver(() => [Audience])
  async audiences(@Root() campaign: Campaign, @Ctx() { loaders }: GraphQLContext): Promise<Audience[]> {
    const docs = await loaders.byId<AudienceDoc>(C.audiences).loadMany(campaign.audienceIds);
    return docs.flatMap((doc) => (doc && !(doc instanceof Error) ? [Audience.fromDocument(doc)] : []));
  }
}
