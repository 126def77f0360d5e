import { DateTime } from '../dateTime';
import { Field, ID, InputType, Int, registerEnumType } from 'type-graphql';

@InputType({ description: 'Which performance entries; every field narrows, all optional' })
export class PerformanceEntryFilter {
  @Field(() => ID, { nullable: true }) campaignId?: string | null;
  @Field(() => ID, { nullable: true }) orderId?: string | null;
  @Field(() => Int, { nullable: true }) publicationId?: number | null;
  @Field(() => String, { nullable: true }) channel?: string | null;
  @Field(() => DateTime, { nullable: true, description: 'Entries whose day starts at or after this' })
  dateFrom?: Date | null;
  @Field(() => DateTime, { nullable: true, description: 'Entries whose day starts at or before this' })
  dateTo?: Date | null;
  @Field(() => String, { nullable: true, description: 'e.g. "automated"' }) source?: string | null;
}

export enum PerformanceGroupBy {
  DAY = 'DAY',
  WEEK = 'WEEK',
  MONTH = 'MONTH',
  PUBLICATION = 'PUBLICATION',
  CHANNEL = 'CHANNEL',
  CAMPAIGN = 'CAMPAIGN',
  ORDER = 'ORDER',
  ITEM = 'ITEM',
}

registerEnumType(PerformanceGroupBy, {
  name: 'PerformanceGroupBy',
  description: 'A dimension of a performance summary; WEEK starts on Monday, all periods in UTC',
});

@InputType({ description: 'A tracking sync run, as the seed Lambda took it' })
export class SyncTrackingInput {
  @Field(() => String, { nullable: true, description: 'Last day, YYYY-MM-DD (default yesterday, UTC)' }) date?:
    string | null;
  @Field(() => Int, { nullable: true, description: 'Days counted back from date (default 1)' }) days?: number | null;
  @Field(() => String, { nullable: true, description: 'Only this pixel pub= code' }) publicationCode?: string | null;
  @Field(() => Boolean, { nullable: true, description: 'Match everything, write nothing' }) dryRun?: boolean | null;
}
