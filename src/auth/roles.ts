import { registerEnumType } from 'type-graphql';

/** What an API key may do. ADMIN can do everything; OPERATOR also reads; AGENT works leads and reads. */
export enum Role {
  ADMIN = 'ADMIN',
  OPERATOR = 'OPERATOR',
  AGENT = 'AGENT',
  VIEWER = 'VIEWER',
}

registerEnumType(Role, { name: 'Role', description: 'What an API key may do' });

/** The roles each role also holds. */
const implied: Record<Role, Role[]> = {
  [Role.ADMIN]: [Role.ADMIN, Role.OPERATOR, Role.AGENT, Role.VIEWER],
  [Role.OPERATOR]: [Role.OPERATOR, Role.VIEWER],
  [Role.AGENT]: [Role.AGENT, Role.VIEWER],
  [Role.VIEWER]: [Role.VIEWER],
};

export function holdsRole(actual: Role, required: Role): boolean {
  return implied[actual].includes(required);
}

/** Who is calling: the API key's identity, or an anonymous viewer when that is allowed. */
export interface Principal {
  /** Id of the API key (not the key). */
  keyId: string;
  name: string;
  role: Role;
  /** The agent this key acts as, for role AGENT. */
  agentId?: string;
  anonymous?: boolean;
  /** When the key stops working (it was created with an expiry, or rotated). */
  expiresAt?: Date;
  /** The key's own rate limits, in place of its role's (RATE_LIMIT_<ROLE>_*). */
  requestsPerMinute?: number;
  costPerMinute?: number;
}
