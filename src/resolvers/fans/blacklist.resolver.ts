import {
  Arg,
  Args,
  ArgsType,
  Authorized,
  Ctx,
  Field,
  FieldResolver,
  Int,
  Mutation,
  Query,
  Resolver,
  Root,
} from 'type-graphql';
import { holdsRole, Role } from '../../auth/roles';
import type { GraphQLContext } from '../../context';
import { connectionComplexity } from '../../schema/complexity';
import { PageArgs } from '../../schema/connection';
import {
  BlacklistAddition,
  BlacklistEntry,
  BlacklistEntryConnection,
  BlacklistEntryInput,
  BlacklistKind,
} from '../../schema/fans/blacklist.type';
import { maskEmail } from '../../services/fans/entries/maskContact';
import type { FanServices } from '../../services/fans/services';

@ArgsType()
class BlacklistArgs extends PageArgs {
  @Field(() => BlacklistKind, { nullable: true }) kind?: BlacklistKind | null;
}

const seesContact = ({ principal }: GraphQLContext) => !!principal && holdsRole(principal.role, Role.OPERATOR);

/** The blacklist scored files are scrubbed against: viewers read it (e-mails masked), operators change it. */
@Resolver(() => BlacklistEntry)
export class BlacklistResolver {
  constructor(private readonly services: FanServices) {}

  @Authorized(Role.VIEWER)
  @Query(() => BlacklistEntryConnection, {
    description: 'Blacklisted e-mail addresses and domains, newest first',
    complexity: connectionComplexity,
  })
  blacklist(@Args() { kind, first, after }: BlacklistArgs): Promise<BlacklistEntryConnection> {
    return this.services.blacklist.list(kind, { first, after }, BlacklistEntry.fromDocument);
  }

  @FieldResolver(() => String, {
    description: 'A blacklisted e-mail is masked (j***@example.com) unless the key is an OPERATOR',
  })
  value(@Root() entry: BlacklistEntry, @Ctx() context: GraphQLContext): string {
    return entry.kind === BlacklistKind.EMAIL && !seesContact(context) ? maskEmail(entry.value) : entry.value;
  }

  @Authorized(Role.OPERATOR)
  @Mutation(() => BlacklistAddition, {
    description:
      'Adds e-mail addresses and domains (at most 10,000 a call); a bad value refuses the call with BAD_USER_INPUT naming it',
  })
  addToBlacklist(
    @Arg('entries', () => [BlacklistEntryInput]) entries: BlacklistEntryInput[],
    @Ctx() { principal }: GraphQLContext,
  ): Promise<BlacklistAddition> {
    return this.services.blacklist.add(entries, principal!.name);
  }

  @Authorized(Role.OPERATOR)
  @Mutation(() => Int, { description: 'Removes e-mail addresses and domains; answers how many were listed' })
  removeFromBlacklist(
    @Arg('entries', () => [BlacklistEntryInput]) entries: BlacklistEntryInput[],
    @Ctx() { principal }: GraphQLContext,
  ): Promise<number> {
    return this.services.blacklist.remove(entries, principal!.name);
  }
}
