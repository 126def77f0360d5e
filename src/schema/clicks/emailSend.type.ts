import { DateTime } from '../dateTime';
import { Field, ID, ObjectType } from 'type-graphql';
import type { EmailSendDocument } from '../../services/clicks/clickModels';
import { Category, ClickTotals, LinkClicks } from './clickModels.type';

@ObjectType({ description: 'A Marketing Cloud send (JobID) of one business unit, as its clicks show it' })
export class EmailSend {
  @Field(() => ID)
  id!: string;

  @Field()
  bu!: string;

  @Field({ description: 'Marketing Cloud JobID' })
  jobId!: string;

  @Field(() => String, { nullable: true })
  emailName?: string;

  @Field(() => DateTime)
  firstClickAt!: Date;

  @Field(() => DateTime)
  lastClickAt!: Date;

  @Field(() => Category, { nullable: true })
  category?: Category;

  @Field(() => [LinkClicks], { description: 'Its links, most clicked first' })
  urls!: LinkClicks[];

  @Field(() => ClickTotals)
  stats!: ClickTotals;

  categoryId?: string;

  static fromDocument(doc: EmailSendDocument): EmailSend {
    return Object.assign(new EmailSend(), {
      id: doc._id,
      bu: doc.bu,
      jobId: doc.jobId,
      emailName: doc.emailName,
      firstClickAt: doc.firstClickAt,
      lastClickAt: doc.lastClickAt,
      categoryId: doc.categoryId,
    });
  }
}
