import type { App } from './app';
import type { Principal } from './auth/roles';
import type { Loaders } from './services/loaders';

/** A resolver class, whatever the services its constructor takes. */
export type ResolverClassRef = abstract new (...args: never) => object;

/** The resolver instances serving an app, each constructed with its feature's services. */
export interface ResolverInstances {
  get(resolverClass: ResolverClassRef): object;
}

/** What every resolver receives: the app's ports and services, the caller, per-request loaders. */
export interface GraphQLContext {
  app: App;
  principal: Principal | null;
  loaders: Loaders;
  requestId: string;
  /** The caller's network address (behind one proxy: the address that proxy saw). */
  clientAddress: string;
  /** type-graphql calls a subscription's subscribe function without its resolver: it finds it here. */
  resolvers: ResolverInstances;
}
