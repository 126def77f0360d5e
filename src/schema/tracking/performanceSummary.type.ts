import { SafeIntResolver } from 'graphql-scalars';
import { DateTime } from '../dateTime';
import { Field, Float, ID, Int, ObjectType } from 'type-graphql';

@ObjectType({ description: 'Sums over the entries of one group; ratios are recomputed from the sums' })
export class PerformanceSummaryRow {
  @Field(() => DateTime, { nullable: true, description: 'Group by DAY: the day (UTC midnight)' })
  day?: Date | null;
  @Field(() => DateTime, { nullable: true, description: 'Group by WEEK: its Monday' }) week?: Date | null;
  @Field(() => DateTime, { nullable: true, description: 'Group by MONTH: its first day' }) month?: Date | null;
  @Field(() => Int, { nullable: true }) publicationId?: number | null;
  @Field(() => String, { nullable: true }) channel?: string | null;
  @Field(() => ID, { nullable: true }) campaignId?: string | null;
  @Field(() => ID, { nullable: true }) orderId?: string | null;
  @Field(() => String, { nullable: true }) itemPath?: string | null;
  @Field(() => Int) entries!: number;
  @Field(() => SafeIntResolver) impressions!: number;
  @Field(() => SafeIntResolver) clicks!: number;
  @Field(() => SafeIntResolver) viewableImpressions!: number;
  @Field(() => SafeIntResolver, { description: "Sum of the entries' reach" }) reach!: number;
  @Field(() => Float, { description: 'sum(clicks) / sum(impressions) * 100' }) ctr!: number;
  @Field(() => Float, { description: 'sum(viewable) / sum(impressions) * 100' }) viewability!: number;
}
