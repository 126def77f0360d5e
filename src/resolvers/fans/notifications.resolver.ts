import { Args, Authorized, Query, Resolver } from 'type-graphql';
import { Role } from '../../auth/roles';
import { connectionComplexity } from '../../schema/complexity';
import { PageArgs } from '../../schema/connection';
import { Notification, NotificationConnection } from '../../schema/fans/notification.type';
import type { FanServices } from '../../services/fans/services';

@Resolver()
export class NotificationsResolver {
  constructor(private readonly services: FanServices) {}

  @Authorized(Role.VIEWER)
  @Query(() => NotificationConnection, {
    complexity: connectionComplexity,
    description: 'Team notices handed to the notifier port (Slack or its outbox), newest first',
  })
  notifications(@Args() { first, after }: PageArgs): Promise<NotificationConnection> {
    return this.services.stats.notifications.page({ first, after }, Notification.fromDocument);
  }
}
