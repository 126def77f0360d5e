import { DateTime } from '../dateTime';
import { Field, ID, InputType, Int } from 'type-graphql';
import { ScoringType } from './enums';

@InputType({ description: 'A market of a fan campaign (docs/pipelines/fans/campaigns.md)' })
export class MarketInput {
  @Field(() => ID, { description: 'Letters, digits, - and _ (at most 64); unique within the campaign' }) id!: string;
  @Field() name!: string;
  @Field() city!: string;
  @Field({ description: 'ISO 3166-1 alpha-2, e.g. US, GB, CA' }) country!: string;
  @Field({ description: 'IANA time zone, e.g. America/New_York' }) timeZone!: string;
  @Field(() => Int, { nullable: true, description: '>= 0; null or absent: no limit' })
  registrationLimit?: number | null;
  @Field(() => Int, { nullable: true, description: '>= 0; null or absent: no limit' }) selectionLimit?: number | null;
}

@InputType({ description: 'A new fan campaign; it starts as DRAFT' })
export class FanCampaignInput {
  @Field(() => ID, {
    nullable: true,
    description: 'Your id for it (letters, digits, - and _, at most 64); a new one is made when absent',
  })
  id?: string | null;
  @Field() name!: string;
  @Field() artist!: string;
  @Field(() => ScoringType) scoringType!: ScoringType;
  @Field(() => DateTime, { nullable: true }) registrationOpensAt?: Date | null;
  @Field(() => DateTime, { nullable: true }) registrationClosesAt?: Date | null;
  @Field(() => [MarketInput], { nullable: true, defaultValue: [] }) markets?: MarketInput[];
}

@InputType({
  description:
    'Only the fields given change; DRAFT or OPEN campaigns only. markets replaces the list: markets may be added ' +
    'or changed, and one that entries name cannot be removed',
})
export class FanCampaignUpdateInput {
  @Field({ nullable: true }) name?: string;
  @Field({ nullable: true }) artist?: string;
  @Field(() => ScoringType, { nullable: true }) scoringType?: ScoringType;
  @Field(() => DateTime, { nullable: true }) registrationOpensAt?: Date | null;
  @Field(() => DateTime, { nullable: true }) registrationClosesAt?: Date | null;
  @Field(() => [MarketInput], { nullable: true }) markets?: MarketInput[];
}
