/**
 * Child process of killedSend.test.ts: runs one campaign send on a data directory and prints a
 * line per delivery, until the parent kills it with SIGKILL.
 * Usage: node -r @swc-node/register test/campaigns/sendChild.ts <dataDir> <campaignId> <sendKey>
 */
import { loadConfig } from '../../src/config';
import { OutboxMessaging, type OutboundMessage, type SendOptions } from '../../src/datasources/messaging';
import { openStore } from '../../src/datasources/store';
import { createLogger } from '../../src/logger';
import { performSend } from '../../src/services/campaigns/sendCampaign';
import { trackingSite } from '../../src/services/campaigns/trackingSite';
import { privacySecret } from '../../src/services/suppression/privacySecret';
import { SuppressionList } from '../../src/services/suppression/suppressionList';

async function main(): Promise<void> {
  const [dataDir, campaignId, sendKey] = process.argv.slice(2);
  const store = await openStore({ dataDir, dbName: 'test' });
  const outbox = new OutboxMessaging(store.db);
  let delivered = 0;
  const messaging = {
    engine: 'outbox' as const,
    async send(message: OutboundMessage, options: SendOptions) {
      const result = await outbox.send(message, options);
      process.stdout.write(`delivered ${++delivered}\n`);
      // slow enough that the parent's kill lands in the middle of a batch
      await new Promise((resolve) => setTimeout(resolve, 2));
      return result;
    },
  };
  const config = loadConfig({
    NODE_ENV: 'test',
    DATA_DIR: dataDir,
    TRACKING_SECRET: 'child-tracking-secret-0123456789',
  });
  const logger = createLogger({ level: 'silent' });
  const context = {
    jobId: 'child',
    attempt: 1,
    logger,
    signal: new AbortController().signal,
    progress: async () => undefined,
    setStats: async () => undefined,
  };
  const suppressions = new SuppressionList(store.db, privacySecret(config));
  await performSend(
    { db: store.db, messaging, site: trackingSite(config), suppressions },
    { campaignId, sendKey },
    context,
  );
  process.stdout.write('done\n');
  await store.close();
}

main().catch((error) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
