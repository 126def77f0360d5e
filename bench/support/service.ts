import 'reflect-metadata';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { App } from '../../src/app';
import { createApiKey, parseRole } from '../../src/auth/apiKeys';
import { loadConfig } from '../../src/config';
import { createService } from '../../src/main';

/** The service as a benchmark runs it: in the benchmark's process, on its own port and data directory. */
export interface ServiceUnderTest {
  /** The GraphQL endpoint. */
  url: string;
  /** http://127.0.0.1:<port>, for the plain HTTP routes. */
  origin: string;
  app: App;
  /** The wired features and their services, as createService made them. */
  features: Awaited<ReturnType<typeof createService>>['features'];
  /** An operator's API key, sent as `Bearer <key>`. */
  operatorKey: string;
  dataDir: string;
  stop(): Promise<void>;
}

/**
 * The whole service (createService, as `npm start` builds it) on a fresh embedded store in a temp
 * directory, with the store's own durable settings, job workers on and schedules off: nothing
 * runs but what the benchmark asks for. `env` adds or overrides settings.
 */
export async function startServiceUnderTest(name: string, env: Record<string, string> = {}): Promise<ServiceUnderTest> {
  const dataDir = await mkdtemp(join(tmpdir(), `bench-${name}-`));
  const config = loadConfig({
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'error',
    SCHEDULES: 'false',
    DATA_DIR: dataDir,
    ...env,
  });
  const service = await createService(config);
  try {
    await service.start();
  } catch (error) {
    await service.stop();
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
  const { key } = await createApiKey(service.app.db, { role: parseRole('operator'), name: `bench:${name}` });
  return {
    url: service.url,
    origin: new URL(service.url).origin,
    app: service.app,
    features: service.features,
    operatorKey: key,
    dataDir,
    async stop() {
      try {
        await service.stop();
      } finally {
        await rm(dataDir, { recursive: true, force: true });
      }
    },
  };
}
