import type { App } from '../app';
import { parseRole } from '../auth/apiKeys';
import { apiKeyIndexes } from '../auth/indexes';
import { ApiKeyResolver } from '../resolvers/system/apiKey.resolver';
import { SystemResolver } from '../resolvers/system/system.resolver';
import { ApiKeys } from '../services/system/apiKeys';
import { StoreHealth } from '../services/system/storeHealth';
import type { SystemServices } from '../services/system/systemServices';
import { checkFlags } from './commandLine';
import { defineFeature } from './feature';

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
  indexes: apiKeyIndexes,
  commands: {
    'create-api-key': {
      description: 'Creates an API key; prints it once, alone on the last line',
      usage: 'create-api-key --role admin|operator|agent|viewer --name NAME [--agent-id ID]',
      async run(_app, flags, _positional, { apiKeys }, out) {
        const values = checkFlags(flags, { required: ['role', 'name'], optional: ['agent-id'] });
        const { key, apiKey } = await apiKeys.create({
          role: parseRole(values.role!),
          name: values.name!,
          agentId: values['agent-id'],
        });
        out.write(
          `Created API key ${apiKey._id} (${apiKey.role}, "${apiKey.name}"). It is shown only now; only its hash is stored.\n${key}\n`,
        );
      },
    },
  },
});
