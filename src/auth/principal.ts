import { AppError } from '../errors';
import type { ApiKeyLookup } from './apiKeys';
import { Role, type Principal } from './roles';

/** Who calls without a key when ALLOW_ANONYMOUS_VIEWER=true. */
export const anonymousViewer: Principal = Object.freeze({
  keyId: 'anonymous',
  name: 'anonymous',
  role: Role.VIEWER,
  anonymous: true,
});

/**
 * Resolves the caller from an `Authorization` value (HTTP header or graphql-ws connectionParams).
 * No credentials: null, or the anonymous viewer when allowed, so public fields still answer.
 * Credentials that do not match a live key: UNAUTHENTICATED, because a client sending a wrong
 * key must hear about it rather than silently get less data.
 */
export async function resolvePrincipal(
  keys: ApiKeyLookup,
  authorization: unknown,
  options: { allowAnonymousViewer: boolean },
): Promise<Principal | null> {
  if (authorization === undefined || authorization === null || authorization === '') {
    return options.allowAnonymousViewer ? anonymousViewer : null;
  }
  const match = typeof authorization === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(authorization) : null;
  if (!match) {
    throw new AppError('UNAUTHENTICATED', 'Authorization must be "Bearer <API key>"', { http: { status: 401 } });
  }
  const principal = await keys.principal(match[1]!);
  if (!principal) {
    throw new AppError('UNAUTHENTICATED', 'The API key is not valid, was revoked or has expired', {
      http: { status: 401 },
    });
  }
  return principal;
}
