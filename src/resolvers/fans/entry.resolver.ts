import { Args, ArgsType, Authorized, Ctx, Field, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import { holdsRole, Role } from '../../auth/roles';
import type { GraphQLContext } from '../../context';
import { connectionComplexity } from '../../schema/complexity';
import { PageArgs } from '../../schema/connection';
import { FanEntryFilter } from '../../schema/fans/entry.input';
import { FanEntry, FanEntryConnection } from '../../schema/fans/entry.type';
import { maskEmail, maskPhone } from '../../services/fans/entries/maskContact';
import type { FanServices } from '../../services/fans/services';

@ArgsType()
class FanEntriesArgs extends PageArgs {
  @Field(() => ID) campaignId!: string;
  @Field(() => FanEntryFilter, { nullable: true }) filter?: FanEntryFilter | null;
}

const seesContact = ({ principal }: GraphQLContext) => !!principal && holdsRole(principal.role, Role.OPERATOR);

/**
 * A campaign's entries. email and phone are personal data: wherever a FanEntry is returned,
 * OPERATOR (and ADMIN) keys read them whole, other keys masked.
 */
@Resolver(() => FanEntry)
export class FanEntryResolver {
  constructor(private readonly services: FanServices) {}

  @Authorized(Role.VIEWER)
  @Query(() => FanEntryConnection, {
    description: "A fan campaign's entries in userId order, filtered",
    complexity: connectionComplexity,
  })
  fanEntries(@Args() { campaignId, filter, first, after }: FanEntriesArgs): Promise<FanEntryConnection> {
    return this.services.entries.list(campaignId, { ...filter }, { first, after }, FanEntry.fromDocument);
  }

  @FieldResolver(() => String, { description: 'Lower-case; masked (j***@example.com) unless the key is an OPERATOR' })
  email(@Root() entry: FanEntry, @Ctx() context: GraphQLContext): string {
    return seesContact(context) ? entry.email : maskEmail(entry.email);
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: 'E.164; masked (+1******2671) unless the key is an OPERATOR',
  })
  phone(@Root() entry: FanEntry, @Ctx() context: GraphQLContext): string | null {
    if (entry.phone === null) return null;
    return seesContact(context) ? entry.phone : maskPhone(entry.phone);
  }
}
