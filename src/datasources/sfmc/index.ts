import type { Db } from '../store';
import { readSecretEnv, type Config } from '../../config';
import { createLogger, type Logger } from '../../logger';
import { parseBusinessUnits } from './businessUnits';
import type { ChangePositions } from '../rememberedFigures';
import { createLocalSfmc } from './local/localClickLog';
import { createRestSfmc } from './rest/restClickLog';
import type { SfmcPort } from './port';

export type { SfmcPort, SourceRow, ClickLogPage, ReadClickLogRequest } from './port';
export { SfmcError } from './port';
/** The local engine's collections: its click logs and business units, in the store. */
export { CLICK_LOG, LOCAL_UNITS } from './local/localClickLog';

export interface SfmcPortOptions {
  logger?: Logger;
  /** Where the business units' client ids and secrets are read (default: the environment). */
  secret?: (name: string) => string | undefined;
  /** The store's change clock: the local engine remembers its backlog counts while the log is unchanged. */
  changes?: ChangePositions;
}

/**
 * The Marketing Cloud port: SFMC_BACKEND=rest talks to the REST API of every unit listed in
 * SFMC_BUSINESS_UNITS; the default `local` keeps the click logs in the store (`sfmc_click_log`).
 * Throws when SFMC_BUSINESS_UNITS is malformed, so a bad deployment fails at start-up.
 */
export function createSfmcPort(config: Config, db: Db, options: SfmcPortOptions = {}): SfmcPort {
  const units = parseBusinessUnits(config.SFMC_BUSINESS_UNITS);
  if (config.SFMC_BACKEND === 'local') return createLocalSfmc(db, units, options.changes);
  return createRestSfmc({
    units,
    authBaseUrl: config.SFMC_AUTH_BASE_URL,
    restBaseUrl: config.SFMC_REST_BASE_URL,
    retry: { attempts: config.SFMC_RETRY_ATTEMPTS, baseMs: config.SFMC_RETRY_BASE_MS, maxDelayMs: 60_000 },
    logger: options.logger ?? createLogger({ level: config.LOG_LEVEL, name: 'sfmc' }),
    secret: options.secret ?? ((name) => readSecretEnv(name)),
  });
}
