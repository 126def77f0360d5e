import { Authorized, FieldResolver, Resolver } from 'type-graphql';
import { Role } from '../../auth/roles';
import { Health } from '../../schema/system/health.type';
import { RetentionStatusView } from '../../schema/retention/retention.type';
import type { RetentionServices } from '../../services/retention/retentionServices';

@Resolver(() => Health)
export class HealthRetentionResolver {
  constructor(private readonly services: RetentionServices) {}

  @Authorized(Role.VIEWER)
  @FieldResolver(() => [RetentionStatusView], {
    description: 'Each kind of data kept for a period: the period, the oldest item kept, the last sweep. Needs a key.',
  })
  async retention(): Promise<RetentionStatusView[]> {
    return (await this.services.retention.status()).map(RetentionStatusView.from);
  }
}
