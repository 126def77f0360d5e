import type { AuthChecker } from 'type-graphql';
import type { GraphQLContext } from '../context';
import { forbidden, unauthenticated } from '../errors';
import { holdsRole, type Role } from '../auth/roles';

/**
 * type-graphql's @Authorized check. `@Authorized()` needs any caller; `@Authorized(Role.X)` needs
 * a caller holding one of the roles (ADMIN holds them all). Throws rather than returning false
 * so clients get UNAUTHENTICATED versus FORBIDDEN, not one generic denial.
 */
export const authChecker: AuthChecker<GraphQLContext, Role> = ({ context }, roles) => {
  const principal = context.principal;
  if (!principal) throw unauthenticated();
  if (roles.length === 0 || roles.some((role) => holdsRole(principal.role, role))) return true;
  throw forbidden(`This needs the role ${roles.join(' or ')}; the API key "${principal.name}" has ${principal.role}`);
};
