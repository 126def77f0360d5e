import { DateTime } from '../dateTime';
import { Field, ID, InputType } from 'type-graphql';
import { CampaignType, RecipientStatus } from './enums';
import { CampaignSmsInput } from './sms.type';

@InputType()
export class CampaignInput {
  @Field() name!: string;
  @Field(() => ID) templateId!: string;
  @Field(() => ID) senderId!: string;
  @Field(() => [ID]) audienceIds!: string[];
  @Field(() => CampaignType, { nullable: true, defaultValue: CampaignType.EMAIL }) type?: CampaignType;
  @Field(() => DateTime, { nullable: true }) expiresAt?: Date | null;
  @Field(() => CampaignSmsInput, {
    nullable: true,
    description: "MOBILE campaigns: how they text (their template's sms is the text)",
  })
  sms?: CampaignSmsInput | null;
}

@InputType({ description: 'Only the fields given change; DRAFT or SCHEDULED campaigns only' })
export class CampaignUpdateInput {
  @Field({ nullable: true }) name?: string;
  @Field(() => ID, { nullable: true }) templateId?: string;
  @Field(() => ID, { nullable: true }) senderId?: string;
  @Field(() => [ID], { nullable: true }) audienceIds?: string[];
  @Field(() => CampaignType, { nullable: true }) type?: CampaignType;
  @Field(() => DateTime, { nullable: true }) expiresAt?: Date | null;
  @Field(() => CampaignSmsInput, { nullable: true, description: 'Replaces the SMS settings whole' })
  sms?: CampaignSmsInput | null;
}

@InputType({ description: 'Recipients matching every flag given' })
export class RecipientFilterInput {
  @Field({ nullable: true }) opened?: boolean;
  @Field({ nullable: true }) clicked?: boolean;
  @Field({ nullable: true }) converted?: boolean;
  @Field(() => RecipientStatus, { nullable: true }) status?: RecipientStatus;
}

@InputType({ description: 'A time range [from, to); open ends default to the campaign creation and now' })
export class TimeRangeInput {
  @Field(() => DateTime, { nullable: true }) from?: Date | null;
  @Field(() => DateTime, { nullable: true }) to?: Date | null;
}

@InputType({ description: 'Name the recipient by token, or by campaignId and email' })
export class ConversionInput {
  @Field({ nullable: true, description: 'The tracking token from the e-mail links' }) token?: string;
  @Field(() => ID, { nullable: true }) campaignId?: string;
  @Field({ nullable: true }) email?: string;
  @Field({ nullable: true }) value?: number;
  @Field({ nullable: true, description: 'Your id for this conversion: retries with it are stored once' })
  eventId?: string;
  @Field(() => DateTime, { nullable: true }) occurredAt?: Date;
}
