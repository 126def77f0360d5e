import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { App } from '../../src/app';
import { createApiKey as storeApiKey, parseRole } from '../../src/auth/apiKeys';
import type { Role } from '../../src/auth/roles';
import { loadConfig } from '../../src/config';
import type { AnyFeature, Feature } from '../../src/features';
import { createService } from '../../src/main';

export interface TestServer {
  /** The GraphQL endpoint, http://127.0.0.1:<port>/graphql. Other routes: `new URL('/healthz', url)`. */
  url: string;
  /** ws://127.0.0.1:<port>/graphql for graphql-ws clients. */
  wsUrl: string;
  app: App;
  /** The services `feature` runs with in this server (what its resolvers, jobs and routes use). */
  servicesOf<S>(feature: Feature<S>): S;
  /** Writes `feature`'s part of the demo data into this server's store. */
  demo(feature: AnyFeature): Promise<void>;
  /** Creates an API key in the server's store and returns the key (send as `Bearer <key>`). */
  createApiKey(
    role: Role | 'admin' | 'operator' | 'agent' | 'viewer',
    name?: string,
    agentId?: string,
  ): Promise<string>;
  /** Stops the service gracefully and removes its data directory (unless env gave DATA_DIR). */
  stop(): Promise<void>;
}

const generousRateLimits = Object.fromEntries(
  ['ADMIN', 'OPERATOR', 'AGENT', 'VIEWER', 'ANONYMOUS'].flatMap((who) => [
    [`RATE_LIMIT_${who}_REQUESTS_PER_MINUTE`, '100000000'],
    [`RATE_LIMIT_${who}_COST_PER_MINUTE`, '10000000000'],
  ]),
);

/**
 * A real HTTP + WebSocket service on a random port over a fresh embedded store in a temp
 * directory, with silent logs. Schedules are off unless env sets SCHEDULES=true, so cron ticks do
 * not add jobs behind a test's back; job workers run. To run two instances on one store, pass the
 * same DATA_DIR to both (the caller then removes that directory).
 */
export async function startTestServer(env: Record<string, string> = {}): Promise<TestServer> {
  const ownDataDir = env.DATA_DIR ? undefined : await mkdtemp(join(tmpdir(), 'campaign-hub-test-'));
  const removeDataDir = async () => {
    if (ownDataDir) await rm(ownDataDir, { recursive: true, force: true });
  };
  try {
    const config = loadConfig({
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'silent',
      SCHEDULES: 'false',
      SHUTDOWN_TIMEOUT_MS: '5000',
      // Rate limits stay on, far above what any test or benchmark sends unless it sets its own.
      ...generousRateLimits,
      ...(ownDataDir ? { DATA_DIR: ownDataDir } : {}),
      ...env,
    });
    const service = await createService(config);
    try {
      await service.start();
    } catch (error) {
      await service.stop();
      throw error;
    }
    return {
      url: service.url,
      wsUrl: service.url.replace(/^http/, 'ws'),
      app: service.app,
      servicesOf<S>(feature: Feature<S>): S {
        const wired = service.features.find((candidate) => candidate.feature === feature);
        if (!wired) throw new Error(`feature ${feature.name} is not wired in this server`);
        return wired.services as S;
      },
      async demo(feature) {
        const wired = service.features.find((candidate) => candidate.feature === feature);
        await feature.demo?.(service.app, wired?.services);
      },
      async createApiKey(role, name = `test ${String(role).toLowerCase()}`, agentId) {
        const { key } = await storeApiKey(service.app.db, { role: parseRole(role), name, agentId });
        return key;
      },
      async stop() {
        try {
          await service.stop();
        } finally {
          await removeDataDir();
        }
      },
    };
  } catch (error) {
    await removeDataDir();
    throw error;
  }
}
