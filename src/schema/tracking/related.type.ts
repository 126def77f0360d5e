import type { Document } from '../../datasources/store';
import { Field, ID, Int, ObjectType } from 'type-graphql';

@ObjectType({ description: 'A publication of the hub (publications collection)' })
export class Publication {
  @Field(() => ID) id!: string;
  @Field(() => Int) publicationId!: number;
  @Field(() => String, { nullable: true }) name?: string | null;
  @Field(() => String, { nullable: true, description: 'The pixel pub= code' }) publicationCode?: string | null;

  static fromDocument(doc: Document): Publication {
    return Object.assign(new Publication(), {
      id: String(doc._id),
      publicationId: Number(doc.publicationId),
      name: doc.name ?? doc.basicInfo?.publicationName ?? null,
      publicationCode: typeof doc.publicationCode === 'string' ? doc.publicationCode : null,
    });
  }
}

@ObjectType({ description: 'An insertion order of a campaign with one publication (publication_insertion_orders)' })
export class InsertionOrder {
  @Field(() => ID) id!: string;
  @Field(() => ID) campaignId!: string;
  @Field(() => Int) publicationId!: number;
  @Field(() => String, { nullable: true }) publicationName?: string | null;
  @Field(() => String, { nullable: true }) status?: string | null;

  static fromDocument(doc: Document): InsertionOrder {
    return Object.assign(new InsertionOrder(), {
      id: String(doc._id),
      campaignId: String(doc.campaignId),
      publicationId: Number(doc.publicationId),
      publicationName: doc.publicationName ?? null,
      status: typeof doc.status === 'string' ? doc.status : null,
    });
  }
}

@ObjectType({ description: 'An advertising campaign of the hub (ad_campaigns), which orders and entries belong to' })
export class AdCampaign {
  @Field(() => ID, { description: 'The campaignId orders and entries carry' }) id!: string;
  @Field(() => String, { nullable: true }) name?: string | null;
  @Field(() => String, { nullable: true }) advertiser?: string | null;
  @Field(() => String, { nullable: true }) status?: string | null;

  static fromDocument(doc: Document): AdCampaign {
    return Object.assign(new AdCampaign(), {
      id: String(doc.campaignId),
      name: doc.name ?? null,
      advertiser: doc.advertiser ?? null,
      status: typeof doc.status === 'string' ? doc.status : null,
    });
  }
}
