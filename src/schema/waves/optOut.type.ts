import { DateTime } from '../dateTime';
import { Field, ID, ObjectType } from 'type-graphql';
import type { OptOutDoc } from '../../services/waves/model';
import { Connection } from '../connection';

@ObjectType({
  description:
    'A number that takes no more wave texts of a brand ("*": of every brand), from an inbound STOP or a ' +
    "provider's opted-out error; START, YES or UNSTOP from the number removes it",
})
export class OptOut {
  @Field(() => ID, { description: 'brand:phone' }) id!: string;
  @Field() brand!: string;
  @Field({ description: 'E.164; masked (+1******2671) unless the key is an OPERATOR' }) phone!: string;
  @Field({ description: 'keyword:STOP (the text received), provider:21610, receipt:<code>...' }) source!: string;
  @Field(() => DateTime) at!: Date;

  static fromDocument(doc: OptOutDoc): OptOut {
    return Object.assign(new OptOut(), {
      id: doc._id,
      brand: doc.brand,
      phone: doc.phone,
      source: doc.source,
      at: doc.at,
    });
  }
}

@ObjectType()
export class OptOutConnection extends Connection(OptOut, 'OptOut') {}
