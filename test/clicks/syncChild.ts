/**
 * Child process of killedSync.test.ts: runs a click sync of business unit NA on a data directory
 * with the service's settings, slowed down so that the parent's SIGKILL lands while the loader
 * holds the unit and the processors hold messages. Prints `page <n>` after each page it reads and
 * `received <n>` when a processor takes messages.
 * Usage: node -r @swc-node/register test/clicks/syncChild.ts <dataDir>
 */
import { loadConfig } from '../../src/config';
import { createQueuePort, type QueuePort } from '../../src/datasources/queue';
import { createSfmcPort, type SfmcPort } from '../../src/datasources/sfmc';
import { openStore } from '../../src/datasources/store';
import { createLogger } from '../../src/logger';
import { QUEUE_PROCESSED, QUEUE_TO_PROCESS } from '../../src/services/clicks/clickModels';
import { createClickPipeline } from '../../src/services/clicks/pipeline';
import { runClickSync } from '../../src/services/clicks/runClickSync';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function main(): Promise<void> {
  const [dataDir] = process.argv.slice(2);
  const store = await openStore({ dataDir, dbName: 'test' });
  const config = loadConfig({ DATA_DIR: dataDir, QUEUE_POLL_INTERVAL_MS: '10' });
  const real = createQueuePort(config, store.db);
  const sfmc = createSfmcPort(config, store.db);
  let pages = 0;
  const slowSource: SfmcPort = {
    ...sfmc,
    async readClickLog(unit, request) {
      await pause(100);
      const page = await sfmc.readClickLog(unit, request);
      process.stdout.write(`page ${++pages}\n`);
      return page;
    },
  };
  const overrides: Partial<QueuePort> = {
    async receive(name, options) {
      const messages = await real.receive(name, options);
      if (name === QUEUE_TO_PROCESS && messages.length > 0) process.stdout.write(`received ${messages.length}\n`);
      return messages;
    },
    async sendBatch(name, messages) {
      // a processor's batch takes a while, so messages are held when the kill comes
      if (name === QUEUE_PROCESSED) await pause(300);
      return real.sendBatch(name, messages);
    },
  };
  const queue = new Proxy(real, {
    get(target, property) {
      const value = Reflect.get(overrides, property) ?? Reflect.get(target, property);
      return typeof value === 'function' && !(property in overrides) ? value.bind(target) : value;
    },
  });
  const logger = createLogger({ level: 'silent' });
  const deps = createClickPipeline({
    db: store.db,
    sfmc: slowSource,
    queue,
    logger,
    timeZone: config.REPORTING_TIME_ZONE,
    pageSize: 100,
    batchSize: 50,
    leaseSeconds: config.CLICKS_LOAD_LEASE_SECONDS,
    visibilitySeconds: config.CLICKS_VISIBILITY_SECONDS,
  });
  const unit = (await sfmc.businessUnit('NA'))!;
  await runClickSync(deps, unit);
  process.stdout.write('done\n');
  await store.close();
}

main().catch((error) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
