import { Readable } from 'node:stream';
import { Registry } from 'prom-client';
import type { App } from '../../src/app';
import { loadConfig } from '../../src/config';
import { applyFeatureIndexes, servicesFor } from '../../src/features';
import { leadsFeature } from '../../src/features/leads';
import type { Store } from '../../src/datasources/store';
import type { Jobs } from '../../src/jobs/jobType';
import { createLogger } from '../../src/logger';
import { ApiKeyLookup } from '../../src/auth/apiKeys';
import { Role, type Principal } from '../../src/auth/roles';
import { ensureAgent } from '../../src/services/leads/agents';
import type { LeadRouting } from '../../src/services/leads/leadRouting';
import { AGENTS, LEADS, type AgentDoc, type LeadDoc } from '../../src/services/leads/model';

/** Lead routing's service layer over a real store, without HTTP: one "instance" per call. */
export async function leadsInstance(store: Store, env: Record<string, string> = {}) {
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DATA_DIR: '/nonexistent', ...env });
  const app = {
    config,
    logger: createLogger({ level: 'silent' }),
    store,
    db: store.db,
    apiKeys: new ApiKeyLookup(store.db, store.changeClock),
    jobs: {} as Jobs,
    metrics: new Registry(),
    ports: {},
  } as App;
  await applyFeatureIndexes(store.db);
  const services = servicesFor(app, leadsFeature);
  const routing: LeadRouting = services.routing;
  await routing.start();
  return {
    app,
    routing,
    db: store.db,
    async agent(id: string, options: { capacity?: number; online?: boolean } = {}): Promise<string> {
      const principal: Principal = { keyId: `key-${id}`, name: id, role: Role.AGENT, agentId: id };
      await ensureAgent(store.db, principal);
      if (options.capacity)
        await store.db.collection<AgentDoc>(AGENTS).updateOne({ _id: id }, { $set: { capacity: options.capacity } });
      if (options.online !== false) await routing.setPresence(id, 'ONLINE', 'test');
      return id;
    },
    upload(csv: string, filename = 'leads.csv') {
      return services.uploads.upload({
        source: Readable.from([Buffer.from(csv)]),
        filename,
        listName: 'test list',
        uploadedBy: 'tester',
      });
    },
    lead(email: string) {
      return store.db.collection<LeadDoc>(LEADS).findOne({ email });
    },
    leads() {
      return store.db.collection<LeadDoc>(LEADS).find({}).toArray();
    },
    agentDoc(id: string) {
      return store.db.collection<AgentDoc>(AGENTS).findOne({ _id: id });
    },
    stop: () => routing.stop(),
  };
}

/** Polls `check` until it returns a truthy value or `timeoutMs` passes. */
export async function eventually<T>(
  check: () => Promise<T | null | undefined | false>,
  timeoutMs = 5000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
