import { ArgsType, Field } from 'type-graphql';
import { CampaignStatus } from '../../schema/campaigns/enums';
import { PageArgs } from '../../schema/connection';

@ArgsType()
export class ListArgs extends PageArgs {
  @Field({ nullable: true, defaultValue: false, description: 'Also list archived ones' })
  includeArchived?: boolean;
}

@ArgsType()
export class MembersArgs extends ListArgs {
  @Field({ nullable: true, description: 'Only the member with this e-mail (any case, spaces ignored)' })
  email?: string;
}

@ArgsType()
export class CampaignsArgs extends ListArgs {
  @Field(() => CampaignStatus, { nullable: true })
  status?: CampaignStatus;
}
