import { DateTime } from '../dateTime';
import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { StatsGranularity } from './enums';

@ObjectType()
export class CampaignLinkStats {
  @Field(() => Int) index!: number;
  @Field() url!: string;
  @Field(() => Int) clicks!: number;
  @Field(() => Int) uniqueClickers!: number;
  @Field(() => Float, { description: 'Unique clickers of this link per message sent' }) clickThroughRate!: number;
}

@ObjectType()
export class CampaignStatsBucket {
  @Field(() => DateTime, { description: 'Bucket start (UTC)' }) start!: Date;
  @Field(() => Int) opens!: number;
  @Field(() => Int) clicks!: number;
  @Field(() => Int) conversions!: number;
}

@ObjectType({ description: 'Counts over the range; every rate is a ratio of counts, and 0 when its denominator is 0' })
export class CampaignStats {
  @Field(() => ID) campaignId!: string;
  @Field(() => DateTime) from!: Date;
  @Field(() => DateTime) to!: Date;
  @Field(() => Int) audienceSize!: number;
  @Field(() => Int) sent!: number;
  @Field(() => Int, { description: 'Recipients who opened (a click counts as an open)' }) uniqueOpens!: number;
  @Field(() => Int) totalClicks!: number;
  @Field(() => Int, { description: 'Recipients who clicked' }) uniqueClicks!: number;
  @Field(() => Int, { description: 'Recipients who converted' }) conversions!: number;
  @Field(() => Float) conversionValue!: number;
  @Field(() => Float, { description: 'uniqueOpens / sent' }) openRate!: number;
  @Field(() => Float, { description: 'uniqueClicks / sent' }) clickRate!: number;
  @Field(() => Float, { description: 'uniqueClicks / uniqueOpens' }) clickToOpenRate!: number;
  @Field(() => Float, { description: 'conversions / sent' }) conversionRate!: number;
  @Field(() => [CampaignLinkStats]) links!: CampaignLinkStats[];
  @Field(() => StatsGranularity) granularity!: StatsGranularity;
  @Field(() => [CampaignStatsBucket]) series!: CampaignStatsBucket[];
}

@ObjectType({ description: 'A file written to the objects port, with a signed, expiring download link' })
export class FileExport {
  @Field() key!: string;
  @Field() url!: string;
  @Field(() => DateTime) expiresAt!: Date;
  @Field(() => Int) rows!: number;
}

@ObjectType({ description: 'A recorded campaign event' })
export class CampaignEvent {
  @Field(() => ID) id!: string;
  @Field() type!: string;
  @Field(() => ID) campaignId!: string;
  @Field(() => ID) recipientId!: string;
  @Field(() => Float, { nullable: true }) value?: number | null;
  @Field(() => DateTime) occurredAt!: Date;
}
