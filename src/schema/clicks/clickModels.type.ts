import { Field, ID, Int, ObjectType } from 'type-graphql';
import type { CategoryDocument, EmailUrlDocument, SubscriberDocument } from '../../services/clicks/clickModels';
import type { TopLink } from '../../services/clicks/clickStats';

@ObjectType({ description: 'A link of e-mails of one business unit' })
export class EmailUrl {
  @Field(() => ID)
  id!: string;

  @Field()
  bu!: string;

  @Field()
  url!: string;

  @Field(() => String, { nullable: true })
  linkName?: string;

  static fromDocument(doc: EmailUrlDocument): EmailUrl {
    return Object.assign(new EmailUrl(), { id: doc._id, bu: doc.bu, url: doc.url, linkName: doc.linkName });
  }
}

@ObjectType({ description: 'A Marketing Cloud subscriber of one business unit' })
export class Subscriber {
  @Field(() => ID)
  id!: string;

  @Field()
  bu!: string;

  @Field()
  subscriberKey!: string;

  @Field(() => String, { nullable: true, description: 'Marketing Cloud SubscriberID' })
  subscriberId?: string;

  static fromDocument(doc: SubscriberDocument): Subscriber {
    return Object.assign(new Subscriber(), {
      id: doc._id,
      bu: doc.bu,
      subscriberKey: doc.subscriberKey,
      subscriberId: doc.subscriberId,
    });
  }
}

@ObjectType({ description: 'A Marketing Cloud category (folder) of sends' })
export class Category {
  @Field(() => ID)
  id!: string;

  @Field()
  bu!: string;

  @Field({ description: 'Marketing Cloud CategoryID' })
  categoryId!: string;

  @Field(() => String, { nullable: true })
  name?: string;

  /** categories._id of the parent, resolved by the `parent` field. */
  parentId?: string;

  static fromDocument(doc: CategoryDocument): Category {
    return Object.assign(new Category(), {
      id: doc._id,
      bu: doc.bu,
      categoryId: doc.categoryId,
      name: doc.name,
      parentId: doc.parentId,
    });
  }
}

@ObjectType({ description: 'Clicks and distinct clickers of a set of aggregated click events' })
export class ClickTotals {
  @Field(() => Int, { description: 'Sum of n: distinct click event ids' })
  totalClicks!: number;

  @Field(() => Int, { description: 'Distinct subscribers who clicked' })
  uniqueClickers!: number;
}

@ObjectType({ description: 'A link with its clicks' })
export class LinkClicks extends ClickTotals {
  /** email_urls._id, resolved by the `url` field. */
  urlId!: string;

  @Field(() => EmailUrl, { nullable: true })
  url?: EmailUrl;

  static fromLink(link: TopLink): LinkClicks {
    const { url, totalClicks, uniqueClickers } = link;
    return Object.assign(new LinkClicks(), { urlId: url, totalClicks, uniqueClickers });
  }
}
