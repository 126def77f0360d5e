import { LocalDateResolver } from 'graphql-scalars';
import { DateTime } from '../dateTime';
import { ArgsType, Field, ID, Int, ObjectType } from 'type-graphql';
import type { ClickEventDocument } from '../../services/clicks/clickModels';
import type { ReportingCalendar } from '../../services/clicks/reportingDay';
import { Connection, PageArgs } from '../connection';
import { EmailUrl, Subscriber } from './clickModels.type';
import { ClickEventFilter } from './clickStats.type';
import { EmailSend } from './emailSend.type';

@ObjectType({ description: 'The clicks of one subscriber on one link of one send on one reporting day' })
export class ClickEvent {
  @Field(() => ID)
  id!: string;

  @Field()
  bu!: string;

  @Field(() => LocalDateResolver, { description: 'Calendar day in REPORTING_TIME_ZONE' })
  day!: string;

  @Field(() => Int, { description: 'Distinct click event ids (a redelivered click counts once)' })
  n!: number;

  @Field(() => DateTime, { description: 'Latest click' })
  last!: Date;

  @Field(() => EmailSend, { nullable: true })
  send?: EmailSend;

  @Field(() => EmailUrl, { nullable: true })
  url?: EmailUrl;

  @Field(() => Subscriber, { nullable: true })
  subscriber?: Subscriber;

  sendId!: string;
  urlId!: string;
  subscriberId!: string;

  static fromDocument(doc: ClickEventDocument, calendar: ReportingCalendar): ClickEvent {
    return Object.assign(new ClickEvent(), {
      id: doc._id,
      bu: doc.bu,
      day: calendar.dateOf(doc.day),
      n: doc.n,
      last: doc.last,
      sendId: doc.send,
      urlId: doc.url,
      subscriberId: doc.subscriber,
    });
  }
}

@ObjectType()
export class ClickEventConnection extends Connection(ClickEvent, 'ClickEvent') {}

@ArgsType()
export class ClickEventsArgs extends PageArgs {
  @Field(() => ClickEventFilter, { nullable: true })
  filter?: ClickEventFilter | null;
}
