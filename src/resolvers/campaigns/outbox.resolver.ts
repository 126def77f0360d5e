import { Args, Authorized, Ctx, Query, Resolver } from 'type-graphql';
import { Role } from '../../auth/roles';
import type { GraphQLContext } from '../../context';
import { OUTBOX_COLLECTION, type OutboxDocument } from '../../datasources/messaging/port';
import { paginate } from '../../services/pagination';
import { OutboxMessage, OutboxMessageConnection } from '../../schema/campaigns/outbox.type';
import { PageArgs } from './args';

@Resolver()
export class OutboxResolver {
  @Authorized(Role.OPERATOR)
  @Query(() => OutboxMessageConnection, { description: 'Messages handed to the messaging port, newest first' })
  outbox(@Args() { first, after }: PageArgs, @Ctx() { app }: GraphQLContext): Promise<OutboxMessageConnection> {
    return paginate(app.db.collection<OutboxDocument>(OUTBOX_COLLECTION), {}, { first, after }, {
      sortField: 'createdAt',
      direction: -1,
      toNode: OutboxMessage.fromDocument,
    });
  }
}
