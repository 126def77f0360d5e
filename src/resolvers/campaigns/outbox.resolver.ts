import { Args, Authorized, Query, Resolver } from 'type-graphql';
import { Role } from '../../auth/roles';
import type { CampaignServices } from '../../services/campaigns/services';
import { OutboxMessage, OutboxMessageConnection } from '../../schema/campaigns/outbox.type';
import { PageArgs } from '../../schema/connection';

@Resolver()
export class OutboxResolver {
  constructor(private readonly campaigns: CampaignServices) {}

  @Authorized(Role.OPERATOR)
  @Query(() => OutboxMessageConnection, { description: 'Messages handed to the messaging port, newest first' })
  outbox(@Args() { first, after }: PageArgs): Promise<OutboxMessageConnection> {
    return this.campaigns.outbox.page({ first, after }, OutboxMessage.fromDocument);
  }
}
