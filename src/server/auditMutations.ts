import { defaultFieldResolver, GraphQLError, type GraphQLSchema } from 'graphql';
import { holdsRole, Role } from '../auth/roles';
import type { GraphQLContext } from '../context';
import { auditArguments } from '../services/audit/auditArguments';
import type { AuditLog } from '../services/audit/auditLog';

const errorCodeOf = (error: unknown): string =>
  error instanceof GraphQLError && typeof error.extensions.code === 'string'
    ? error.extensions.code
    : 'INTERNAL_SERVER_ERROR';

/** The id of what a mutation answered: its own `id`, or that of the first object in it that has one (a payload's job or key). */
function resultIdOf(result: unknown): string | undefined {
  if (result === null || typeof result !== 'object') return undefined;
  const { id } = result as { id?: unknown };
  if (typeof id === 'string') return id;
  for (const value of Object.values(result)) {
    const inner = value !== null && typeof value === 'object' ? (value as { id?: unknown }).id : undefined;
    if (typeof inner === 'string') return inner;
  }
  return undefined;
}

/**
 * Records every mutation an OPERATOR or ADMIN key sends, over HTTP and WebSocket alike, by
 * wrapping each Mutation field's resolver of the built schema once: its arguments are kept before
 * it runs (without file contents or secrets), the entry is written when it has answered, with its
 * outcome, before the answer leaves. A refusal counts (FORBIDDEN, bad input); other callers'
 * mutations are not recorded.
 */
export function auditMutations(schema: GraphQLSchema, auditLog: AuditLog): void {
  const mutationType = schema.getMutationType();
  if (!mutationType) return;
  for (const field of Object.values(mutationType.getFields())) {
    const resolve = field.resolve ?? defaultFieldResolver;
    field.resolve = async (source, args: Record<string, unknown>, context: GraphQLContext, info) => {
      const { principal } = context;
      if (!principal || principal.anonymous || !holdsRole(principal.role, Role.OPERATOR)) {
        return resolve(source, args, context, info);
      }
      const entry = {
        at: new Date(),
        keyId: principal.keyId,
        keyName: principal.name,
        role: principal.role,
        operation: field.name,
        arguments: auditArguments(args, field.args),
        via: 'GRAPHQL' as const,
        requestId: context.requestId,
        clientAddress: context.clientAddress,
      };
      let result: unknown;
      try {
        result = await resolve(source, args, context, info);
      } catch (error) {
        await auditLog.record({ ...entry, outcome: 'ERROR', errorCode: errorCodeOf(error) });
        throw error;
      }
      const resultId = resultIdOf(result);
      await auditLog.record({ ...entry, outcome: 'OK', ...(resultId ? { resultId } : {}) });
      return result;
    };
  }
}
