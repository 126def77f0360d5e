import type { App } from './app';
import type { Principal } from './auth/roles';
import type { Loaders } from './services/loaders';

/** The resolver instances serving an app, each constructed with its feature's services. */
export interface ResolverInstances {
  get(resolverClass: Function): object;
}

/** What every resolver receives: the app's ports and services, the caller, per-request loaders. */
export interface GraphQLContext {
  app: App;
  principal: Principal | null;
  loaders: Loaders;
  requestId: string;
  /** type-graphql calls a subscription's subscribe function without its resolver: it finds it here. */
  resolvers: ResolverInstances;
}
