import { Args, ArgsType, Authorized, Ctx, Field, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import type { GraphQLContext } from '../../context';
import { Role } from '../../auth/roles';
import { connectionComplexity } from '../../schema/complexity';
import { PageArgs } from '../../schema/connection';
import { OptOut, OptOutConnection } from '../../schema/waves/optOut.type';
import { maskPhone } from '../../services/fans/entries/maskContact';
import type { WaveServices } from '../../services/waves/services';
import { seesContact } from './message.resolver';

@ArgsType()
class OptOutsArgs extends PageArgs {
  @Field(() => String, { nullable: true, description: 'Only this brand\'s ("*": the opt-outs of every brand)' })
  brand?: string | null;
}

/** The numbers that take no more wave texts (of a brand, or of all). */
@Resolver(() => OptOut)
export class OptOutResolver {
  constructor(private readonly services: WaveServices) {}

  @Authorized(Role.VIEWER)
  @Query(() => OptOutConnection, {
    description: 'The SMS opt-out list, newest first',
    complexity: connectionComplexity,
  })
  optOuts(@Args() { brand, first, after }: OptOutsArgs): Promise<OptOutConnection> {
    return this.services.sending.queries.optOuts(brand ?? null, { first, after }, OptOut.fromDocument);
  }

  @FieldResolver(() => String, { description: 'E.164; masked (+1******2671) unless the key is an OPERATOR' })
  phone(@Root() optOut: OptOut, @Ctx() context: GraphQLContext): string {
    return seesContact(context) ? optOut.phone : maskPhone(optOut.phone);
  }
}
