import { Args, ArgsType, Authorized, Ctx, Field, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import { holdsRole, Role } from '../../auth/roles';
import type { GraphQLContext } from '../../context';
import { connectionComplexity } from '../../schema/complexity';
import { PageArgs } from '../../schema/connection';
import { WaveMessage, WaveMessageConnection, WaveMessageStatus } from '../../schema/waves/message.type';
import { maskEmail, maskPhone } from '../../services/fans/entries/maskContact';
import type { WaveServices } from '../../services/waves/services';

@ArgsType()
class WaveMessagesArgs extends PageArgs {
  @Field(() => ID) waveId!: string;
  @Field(() => WaveMessageStatus, { nullable: true, description: 'Only messages in this status' })
  status?: WaveMessageStatus | null;
}

/** Phone numbers and e-mails are personal data: OPERATOR keys read them whole, the others masked. */
export const seesContact = ({ principal }: GraphQLContext) => !!principal && holdsRole(principal.role, Role.OPERATOR);

/** A wave's messages, one per recipient, and where each stands. */
@Resolver(() => WaveMessage)
export class WaveMessageResolver {
  constructor(private readonly services: WaveServices) {}

  @Authorized(Role.VIEWER)
  @Query(() => WaveMessageConnection, {
    description: "A wave's messages in row order, of one status when given",
    complexity: connectionComplexity,
  })
  waveMessages(@Args() { waveId, status, first, after }: WaveMessagesArgs): Promise<WaveMessageConnection> {
    return this.services.sending.queries.waveMessages(
      waveId,
      status ?? null,
      { first, after },
      WaveMessage.fromDocument,
    );
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: 'E.164; masked (+1******2671) unless the key is an OPERATOR',
  })
  phone(@Root() message: WaveMessage, @Ctx() context: GraphQLContext): string | null {
    if (message.phone === null) return null;
    return seesContact(context) ? message.phone : maskPhone(message.phone);
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: 'Masked (j***@example.com) unless the key is an OPERATOR',
  })
  email(@Root() message: WaveMessage, @Ctx() context: GraphQLContext): string | null {
    if (message.email === null) return null;
    return seesContact(context) ? message.email : maskEmail(message.email);
  }
}
