import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { App } from '../../src/app';
import { loadConfig, type Config } from '../../src/config';
import { OutboxMessaging, type MessagingPort } from '../../src/datasources/messaging';
import { LocalObjectStore } from '../../src/datasources/objects';
import { applyIndexes } from '../../src/datasources/store/indexes';
import { campaignIndexes } from '../../src/services/campaigns/indexes';
import { createLogger } from '../../src/logger';
import { openTestStore } from '../support/store';

export const TEST_SECRET = 'test-tracking-secret-0123456789';

export type CampaignApp = Pick<App, 'db' | 'config' | 'ports' | 'logger'> & { close(): Promise<void> };

/** A real embedded store with the campaigns indexes, a local objects folder and the outbox. */
export async function openCampaignApp(
  options: { messaging?: (app: CampaignApp) => MessagingPort; env?: Record<string, string> } = {},
): Promise<CampaignApp> {
  const store = await openTestStore();
  await applyIndexes(store.db, campaignIndexes);
  const dir = await mkdtemp(join(tmpdir(), 'campaigns-'));
  const config: Config = loadConfig({
    NODE_ENV: 'test',
    DATA_DIR: dir,
    TRACKING_SECRET: TEST_SECRET,
    LOG_LEVEL: 'silent',
    ...options.env,
  });
  const app = {
    db: store.db,
    config,
    logger: createLogger({ level: 'silent' }),
    ports: { objects: new LocalObjectStore(join(dir, 'objects')), messaging: new OutboxMessaging(store.db) },
    close: async () => {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  } as unknown as CampaignApp;
  if (options.messaging) app.ports.messaging = options.messaging(app);
  return app;
}

/** A CSV upload as a stream. */
export function csv(...lines: string[]): Readable {
  return Readable.from([Buffer.from(`${lines.join('\n')}\n`)]);
}
