import 'reflect-metadata';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { App } from '../../src/app';
import { createApiKey, parseRole } from '../../src/auth/apiKeys';
import { loadConfig } from '../../src/config';
import { fansFeature } from '../../src/features/fans';
import { createService } from '../../src/main';
import type { FanServices } from '../../src/services/fans/services';

/** The service as the benchmark runs it: in this process, on its own port and data directory. */
export interface BenchService {
  /** The GraphQL endpoint. */
  url: string;
  /** http://127.0.0.1:<port>, for the plain HTTP routes. */
  origin: string;
  app: App;
  fans: FanServices;
  /** An operator's API key, sent as `Bearer <key>`. */
  operatorKey: string;
  dataDir: string;
  stop(): Promise<void>;
}

/**
 * The whole service (createService, as `npm start` builds it) on a fresh embedded store in a temp
 * directory, with the store's own durable settings, job workers on and schedules off: nothing
 * runs but what the benchmark asks for.
 */
export async function startBenchService(env: Record<string, string> = {}): Promise<BenchService> {
  const dataDir = await mkdtemp(join(tmpdir(), 'bench-fans-'));
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
  const wired = service.features.find((candidate) => candidate.feature === fansFeature);
  if (!wired) throw new Error('the fans feature is not wired in the service');
  const { key } = await createApiKey(service.app.db, { role: parseRole('operator'), name: 'bench:fans' });
  return {
    url: service.url,
    origin: new URL(service.url).origin,
    app: service.app,
    fans: wired.services as FanServices,
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
