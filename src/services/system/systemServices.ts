import type { Store } from '../../datasources/store';
import type { Logger } from '../../logger';
import type { ApiKeys } from './apiKeys';
import type { StoreHealth } from './storeHealth';

/** The services of what every deployment has (health, the caller, API keys), built once per app. */
export interface SystemServices {
  apiKeys: ApiKeys;
  health: StoreHealth;
  storeEngine: Store['engine'];
  /** Key administration is logged with who asked. */
  logger: Logger;
}
