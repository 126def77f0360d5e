import type { App } from './app';
import type { Principal } from './auth/roles';
import type { Loaders } from './resolvers/loaders';

/** What every resolver receives: the app's ports and services, the caller, per-request loaders. */
export interface GraphQLContext {
  app: App;
  principal: Principal | null;
  loaders: Loaders;
  requestId: string;
}
