import { DateTime } from '../dateTime';
import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import type { BlacklistDoc } from '../../services/fans/model';
import { Connection } from '../connection';

export enum BlacklistKind {
  EMAIL = 'EMAIL',
  DOMAIN = 'DOMAIN',
}
registerEnumType(BlacklistKind, {
  name: 'BlacklistKind',
  description:
    'EMAIL: one mailbox (case, spaces, +tags and Gmail dots ignored); DOMAIN: a domain and all its subdomains',
});

@ObjectType({ description: 'An e-mail address or domain whose fans scored files drop (reason BLACKLISTED_*)' })
export class BlacklistEntry {
  @Field(() => ID, { description: 'KIND:value' }) id!: string;
  @Field(() => BlacklistKind) kind!: BlacklistKind;
  @Field({ description: 'As compared: the normalized address (masked for viewers) or the lower-case domain' })
  value!: string;
  @Field({ description: 'The name of the API key that added it' }) addedBy!: string;
  @Field(() => DateTime) addedAt!: Date;

  static fromDocument(doc: BlacklistDoc): BlacklistEntry {
    return Object.assign(new BlacklistEntry(), {
      id: doc._id,
      kind: doc.kind as BlacklistKind,
      value: doc.value,
      addedBy: doc.addedBy,
      addedAt: doc.addedAt,
    });
  }
}

@ObjectType()
export class BlacklistEntryConnection extends Connection(BlacklistEntry, 'BlacklistEntry') {}

@InputType({ description: 'An e-mail address or a domain, as typed: it is normalized before it is kept or compared' })
export class BlacklistEntryInput {
  @Field(() => BlacklistKind) kind!: BlacklistKind;
  @Field({ description: 'jane+promo@example.com, @example.com or example.com' }) value!: string;
}

@ObjectType({ description: 'What addToBlacklist changed' })
export class BlacklistAddition {
  @Field(() => Int, { description: 'Entries not listed before' }) added!: number;
  @Field(() => Int, { description: 'Entries listed already (they keep who added them first, and when)' })
  alreadyListed!: number;
}
