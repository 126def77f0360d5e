import { Args, ArgsType, Authorized, Field, Query, Resolver } from 'type-graphql';
import { Role } from '../../auth/roles';
import { AuditEntry, AuditEntryConnection } from '../../schema/audit/auditEntry.type';
import { AuditLogFilter } from '../../schema/audit/auditLogFilter.input';
import { connectionComplexity } from '../../schema/complexity';
import { PageArgs } from '../../schema/connection';
import type { AuditServices } from '../../services/audit/auditServices';

@ArgsType()
class AuditLogArgs extends PageArgs {
  @Field(() => AuditLogFilter, { nullable: true })
  filter?: AuditLogFilter;
}

@Resolver()
export class AuditLogResolver {
  constructor(private readonly services: AuditServices) {}

  @Authorized(Role.ADMIN)
  @Query(() => AuditEntryConnection, {
    description: 'What operators and admins changed, newest first: every mutation they sent and every CLI command',
    complexity: connectionComplexity,
  })
  auditLog(@Args() { filter, first, after }: AuditLogArgs): Promise<AuditEntryConnection> {
    return this.services.auditLog.page(filter ?? {}, { first, after }, AuditEntry.fromDocument);
  }
}
