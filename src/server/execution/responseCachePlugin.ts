import { HeaderMap, type ApolloServerPlugin } from '@apollo/server';
import type { Principal } from '../../auth/roles';
import type { GraphQLContext } from '../../context';
import type { PendingAnswer, ResponseCache } from './responseCache';

/** Whose answers a caller shares: its key's role; callers without a key share nothing. */
function audienceOf(principal: Principal | null): string | null {
  if (!principal) return null;
  return principal.anonymous ? 'ANONYMOUS' : principal.role;
}

/**
 * Serves allowlisted queries from the response cache. Apollo asks responseForOperation only
 * once the caller's key was checked (the context: unknown, revoked or expired keys were refused
 * with 401) and every didResolveOperation hook passed (complexity and rate limits: a refused
 * caller gets RATE_LIMITED, never a kept answer). Only answers without errors are kept.
 */
export function responseCachePlugin(cache: ResponseCache): ApolloServerPlugin<GraphQLContext> {
  return {
    async requestDidStart() {
      let pending: PendingAnswer | undefined;
      return {
        async responseForOperation({ document, operation, operationName, request, contextValue }) {
          const audience = audienceOf(contextValue.principal);
          // Apollo asks even when no operation matched the operationName (it reports that later).
          const query = (operation as typeof operation | undefined)?.operation === 'query';
          if (!query || !audience) return null;
          const found = cache.lookup(document, operationName, request.variables, audience);
          if (!found) return null;
          if ('pending' in found) {
            pending = found.pending;
            return null;
          }
          const data = 'data' in found ? found.data : await found.computing;
          if (!data) return null;
          return {
            http: { status: undefined, headers: new HeaderMap() },
            body: { kind: 'single', singleResult: { data } },
          };
        },
        // Settled here too: requests waiting for this answer must not wait on a response that
        // another plugin's error hook may keep from being sent.
        async didEncounterErrors() {
          if (pending) cache.settle(pending, null);
        },
        async willSendResponse({ response }) {
          if (!pending) return;
          const result = response.body.kind === 'single' ? response.body.singleResult : undefined;
          cache.settle(pending, result?.data && !result.errors?.length ? result.data : null);
        },
      };
    },
  };
}
