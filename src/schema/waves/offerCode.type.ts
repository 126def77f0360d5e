import { DateTime } from '../dateTime';
import { Field, ID, ObjectType } from 'type-graphql';
import type { OfferCodeInfo } from '../../datasources/offerCodes';

@ObjectType({ description: 'What the offer-code registry holds for a code a wave handed out' })
export class OfferCode {
  @Field({ description: 'As asked, in its shown form XXXX-XXXX-XXXX when it is one' }) code!: string;
  @Field({ description: 'The registry knows it: issued by a wave of this service' }) exists!: boolean;
  @Field(() => ID, { nullable: true }) campaignId!: string | null;
  @Field(() => ID, { nullable: true }) waveId!: string | null;
  @Field(() => ID, { nullable: true, description: 'The fan it was given to' }) userId!: string | null;
  @Field() redeemed!: boolean;
  @Field(() => DateTime, { nullable: true }) redeemedAt!: Date | null;

  static of(asked: string, info: OfferCodeInfo | null): OfferCode {
    return Object.assign(new OfferCode(), {
      code: info?.code ?? asked,
      exists: info !== null,
      campaignId: info?.campaignId ?? null,
      waveId: info?.waveId ?? null,
      userId: info?.userId ?? null,
      redeemed: info?.redeemed ?? false,
      redeemedAt: info?.redeemedAt ?? null,
    });
  }
}
