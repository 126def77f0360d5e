import type { ApolloServerPlugin } from '@apollo/server';

/**
 * `Cache-Control: no-store` on every GraphQL answer, as Apollo's cache-control plugin sends when
 * no field declares a cache hint (none here). That plugin is off: it wraps every field's resolver
 * to collect hints, a cost paid on each field of each request.
 */
export function noStorePlugin(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          response.http.headers.set('cache-control', 'no-store');
        },
      };
    },
  };
}
