import { LocalDateResolver } from 'graphql-scalars';
import { DateTime } from '../dateTime';
import { Field, InputType, Int, ObjectType, registerEnumType, ID } from 'type-graphql';
import { ClickTotals, EmailUrl, LinkClicks, Subscriber } from './clickModels.type';
import { EmailSend } from './emailSend.type';
import type { ClickStatsAnswer } from '../../services/clicks/clickStatsAnswer';

export enum ClickGroupByValue {
  DAY = 'DAY',
  SEND = 'SEND',
  URL = 'URL',
  SUBSCRIBER = 'SUBSCRIBER',
  BU = 'BU',
}
registerEnumType(ClickGroupByValue, { name: 'ClickGroupBy', description: 'What click statistics are grouped by' });

@InputType({ description: 'Which aggregated click events to read; every field narrows' })
export class ClickEventFilter {
  @Field(() => String, { nullable: true, description: 'Business unit name' })
  bu?: string | null;

  @Field(() => ID, { nullable: true, description: 'EmailSend id' })
  sendId?: string | null;

  @Field(() => String, { nullable: true, description: 'The link, as clicked' })
  url?: string | null;

  @Field(() => String, { nullable: true })
  subscriberKey?: string | null;

  @Field(() => LocalDateResolver, { nullable: true, description: 'First reporting day (inclusive)' })
  dayFrom?: string | null;

  @Field(() => LocalDateResolver, { nullable: true, description: 'Last reporting day (inclusive)' })
  dayTo?: string | null;
}

@ObjectType({ description: 'Clicks of one group; only the fields grouped by are set' })
export class ClickStatsGroup extends ClickTotals {
  @Field(() => LocalDateResolver, { nullable: true })
  day?: string;

  @Field(() => String, { nullable: true })
  bu?: string;

  @Field(() => EmailSend, { nullable: true })
  send?: EmailSend;

  @Field(() => EmailUrl, { nullable: true })
  url?: EmailUrl;

  @Field(() => Subscriber, { nullable: true })
  subscriber?: Subscriber;

  sendId?: string;
  urlId?: string;
  subscriberId?: string;
}

@ObjectType({ description: 'Click statistics of the filtered click events' })
export class ClickStats extends ClickTotals {
  @Field(() => [ClickStatsGroup], { description: 'Per group, most clicks first' })
  groups!: ClickStatsGroup[];

  @Field(() => [LinkClicks], { description: 'Most clicked links first' })
  topLinks!: LinkClicks[];

  /** Reads each part when the response asks for it (resolved by the ClickStats field resolvers). */
  answer!: ClickStatsAnswer;
}

@ObjectType({ description: "Where one business unit's click loader stands" })
export class ClickSyncStatus {
  @Field()
  bu!: string;

  @Field({ description: 'config (SFMC_BUSINESS_UNITS) or local (registered by an import)' })
  source!: string;

  @Field(() => DateTime, {
    nullable: true,
    description:
      'Latest EventDate loaded; while the click queues hold rows, a load starts there minus CLICKS_LOOKBACK_MINUTES',
  })
  watermark!: Date | null;

  @Field({ description: 'A load is in progress (or died and will be resumed from its stored page)' })
  running!: boolean;

  @Field(() => DateTime, { nullable: true })
  runStartedAt!: Date | null;

  @Field(() => Int, { description: 'Rows queued by the load in progress' })
  runRows!: number;

  @Field(() => DateTime, { nullable: true })
  lastRunAt!: Date | null;

  @Field(() => Int, { nullable: true })
  lastRunRows!: number | null;

  @Field(() => Int, {
    nullable: true,
    description: 'Unprocessed rows at the source (null when the source does not say)',
  })
  backlog!: number | null;

  @Field(() => DateTime, {
    nullable: true,
    description: 'EventDate of the oldest unprocessed row at the source (null: none waiting)',
  })
  oldestUnprocessedAt!: Date | null;

  @Field(() => Int, {
    nullable: true,
    description: 'Age in seconds of the oldest unprocessed row: grows while rows are left behind, late ones included',
  })
  oldestUnprocessedAgeSeconds!: number | null;
}

@ObjectType({ description: 'Messages waiting in the click pipeline queues' })
export class ClickQueues {
  @Field(() => Int, { description: 'clicks-to-process: batches of rows waiting for the processor' })
  toProcess!: number;

  @Field(() => Int, { description: 'clicks-processed: batches of keys waiting for the acknowledger' })
  processed!: number;

  @Field(() => Int, { description: 'Messages of both queues in their dead-letter queues' })
  deadLettered!: number;
}
