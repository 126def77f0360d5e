import type { App } from '../app';
import { parseRole, type CreateApiKeyInput } from '../auth/apiKeys';
import { apiKeyIndexes } from '../auth/indexes';
import { ApiKeyResolver } from '../resolvers/system/apiKey.resolver';
import { SystemResolver } from '../resolvers/system/system.resolver';
import { rateLimitIndexes } from '../services/rateLimiter/indexes';
import { ApiKeys } from '../services/system/apiKeys';
import { StoreHealth } from '../services/system/storeHealth';
import type { SystemServices } from '../services/system/systemServices';
import { checkFlags, UsageError } from './commandLine';
import { defineFeature } from './feature';

function dateFlag(value: string | undefined, name: string): Date | undefined {
  if (value === undefined) return undefined;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new UsageError(`--${name}: a date and time such as 2027-01-31T00:00:00Z`);
  return date;
}

function integerFlag(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new UsageError(`--${name}: a whole number`);
  return Number(value);
}

/** The key `create-api-key` asks for, from its flags (here and when the CLI sends it to the service). */
export function apiKeyInputOf(flags: Record<string, string | boolean>): CreateApiKeyInput {
  const values = checkFlags(flags, {
    required: ['role', 'name'],
    optional: ['agent-id', 'expires-at', 'requests-per-minute', 'cost-per-minute'],
  });
  return {
    role: parseRole(values.role!),
    name: values.name!,
    agentId: values['agent-id'],
    expiresAt: dateFlag(values['expires-at'], 'expires-at'),
    requestsPerMinute: integerFlag(values['requests-per-minute'], 'requests-per-minute'),
    costPerMinute: integerFlag(values['cost-per-minute'], 'cost-per-minute'),
  };
}

export const CREATE_API_KEY_USAGE =
  'create-api-key --role admin|operator|agent|viewer --name NAME [--agent-id ID] [--expires-at ISO_TIME] ' +
  '[--requests-per-minute N] [--cost-per-minute N]';

/** What every deployment has: health, the caller (`me`) and API keys. */
export const systemFeature = defineFeature({
  name: 'system',
  services: (app: App): SystemServices => ({
    apiKeys: new ApiKeys(app.db),
    health: new StoreHealth(app),
    storeEngine: app.store.engine,
    logger: app.logger,
  }),
  resolvers: [SystemResolver, ApiKeyResolver],
  indexes: [...apiKeyIndexes, ...rateLimitIndexes],
  commands: {
    'create-api-key': {
      description: 'Creates an API key; prints it once, alone on the last line',
      usage: CREATE_API_KEY_USAGE,
      async run(_app, flags, _positional, { apiKeys }, out) {
        const { key, apiKey } = await apiKeys.create(apiKeyInputOf(flags));
        out.write(
          `Created API key ${apiKey._id} (${apiKey.role}, "${apiKey.name}"). It is shown only now; only its hash is stored.\n${key}\n`,
        );
      },
    },
    'rotate-api-key': {
      description:
        'Replaces an API key by a new one (same name, role and limits); the old one works for the grace period',
      usage: 'rotate-api-key --id KEY_ID --grace-seconds N [--expires-at ISO_TIME]',
      async run(_app, flags, _positional, { apiKeys }, out) {
        const values = checkFlags(flags, { required: ['id', 'grace-seconds'], optional: ['expires-at'] });
        const { key, apiKey, previous } = await apiKeys.rotate(values.id!, {
          graceSeconds: integerFlag(values['grace-seconds'], 'grace-seconds')!,
          expiresAt: dateFlag(values['expires-at'], 'expires-at'),
        });
        out.write(
          `API key ${previous._id} works until ${previous.expiresAt!.toISOString()}; its replacement is ` +
            `${apiKey._id} (${apiKey.role}, "${apiKey.name}"). It is shown only now; only its hash is stored.\n${key}\n`,
        );
      },
    },
  },
});
