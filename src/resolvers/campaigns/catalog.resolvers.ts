import { CampaignInput, CampaignUpdateInput } from '../../schema/campaigns/campaign.input';
import { Campaign, CampaignConnection } from '../../schema/campaigns/campaign.type';
import {
  AudienceInput,
  AudienceUpdateInput,
  MemberInput,
  MemberUpdateInput,
  SenderInput,
  SenderUpdateInput,
  TemplateInput,
  TemplateUpdateInput,
} from '../../schema/campaigns/catalog.input';
import {
  Audience,
  AudienceConnection,
  Member,
  MemberConnection,
  Sender,
  SenderConnection,
  Template,
  TemplateConnection,
} from '../../schema/campaigns/catalog.type';
import { CampaignsArgs, MembersArgs } from './args';
import { catalogResolver } from './catalogResolver';

export const SenderResolver = catalogResolver({
  types: { node: Sender, connection: SenderConnection, input: SenderInput, updateInput: SenderUpdateInput },
  service: (campaigns) => campaigns.senders,
  descriptions: { list: 'Colleagues who send campaigns, by name' },
});

export const TemplateResolver = catalogResolver({
  types: { node: Template, connection: TemplateConnection, input: TemplateInput, updateInput: TemplateUpdateInput },
  service: (campaigns) => campaigns.templates,
  descriptions: { list: 'Message templates, by name' },
});

export const AudienceResolver = catalogResolver({
  types: { node: Audience, connection: AudienceConnection, input: AudienceInput, updateInput: AudienceUpdateInput },
  service: (campaigns) => campaigns.audiences,
  descriptions: { list: 'Audiences, by name' },
});

export const MemberResolver = catalogResolver({
  types: { node: Member, connection: MemberConnection, input: MemberInput, updateInput: MemberUpdateInput },
  listArgs: MembersArgs,
  service: (campaigns) => campaigns.members,
  descriptions: {
    list: 'Members, by e-mail',
    create: 'CONFLICT when a member already has this e-mail',
    archive: 'Archived members are left out of campaigns frozen afterwards',
  },
});

export const CampaignResolver = catalogResolver({
  types: { node: Campaign, connection: CampaignConnection, input: CampaignInput, updateInput: CampaignUpdateInput },
  listArgs: CampaignsArgs,
  service: (campaigns) => campaigns.campaigns,
  descriptions: {
    list: 'Campaigns, newest first',
    create: 'A DRAFT campaign; schedule it or send it now to launch',
    archive: 'Hides the campaign from lists (not while SCHEDULED or SENDING); archived=false restores it',
  },
});
