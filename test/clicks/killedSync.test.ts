import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { loadConfig } from '../../src/config';
import { createQueuePort } from '../../src/datasources/queue';
import { createSfmcPort } from '../../src/datasources/sfmc';
import { openStore, type Store } from '../../src/datasources/store';
import { applyFeatureIndexes } from '../../src/features';
import { createLogger } from '../../src/logger';
import { clickCollections, QUEUE_TO_PROCESS } from '../../src/services/clicks/clickModels';
import { clickQueueDepths } from '../../src/services/clicks/clickSyncStatus';
import { createClickPipeline } from '../../src/services/clicks/pipeline';
import { runClickSync } from '../../src/services/clicks/runClickSync';
import { clickRow } from './support/harness';

const ROWS = 3000;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A click sync process killed with SIGKILL while its loader holds the business unit and its
 * processors hold messages: another process takes over the unit's load and the held messages
 * within seconds (the lease and the visibility are short and kept alive by heartbeats, not
 * waited out), and every click is counted once.
 */
describe('a click sync killed with kill -9', () => {
  let dataDir: string;
  let store: Store | undefined;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'clicks-kill-'));
  });
  afterAll(async () => {
    await store?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('is taken over within seconds by another process, counting every click once', async () => {
    const config = loadConfig({ DATA_DIR: dataDir, QUEUE_POLL_INTERVAL_MS: '10' });
    store = await openStore({ dataDir, dbName: 'test' });
    await applyFeatureIndexes(store.db);
    const rows = Array.from({ length: ROWS }, (_, i) => clickRow({ EventID: `k-${i}`, SubscriberKey: `s${i % 50}` }));
    await createSfmcPort(config, store.db).appendRows!('NA', rows);
    // the child is the only process on the data directory while it runs
    await store.close();
    store = undefined;

    const child = spawn(process.execPath, ['-r', '@swc-node/register', join(__dirname, 'syncChild.ts'), dataDir], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    let pages = 0;
    let received = 0;
    for await (const line of createInterface({ input: child.stdout! })) {
      if (line.startsWith('page ')) pages = Number(line.slice(5));
      if (line.startsWith('received ')) received += Number(line.slice(9));
      if ((pages >= 5 && received > 0) || line === 'done') {
        child.kill('SIGKILL');
        break;
      }
    }
    await exited;
    const killedAt = Date.now();

    store = await openStore({ dataDir, dbName: 'test' });
    const queue = createQueuePort(config, store.db);
    const sfmc = createSfmcPort(config, store.db);
    // what the dead process left: the unit's lease, a stored page, messages it had received
    const left = await clickCollections(store.db).syncState.findOne({ _id: 'NA' });
    expect(left?.run).not.toBeNull();
    expect(left?.leaseUntil?.getTime()).toBeGreaterThan(Date.now());
    expect((await queue.stats(QUEUE_TO_PROCESS)).inFlight).toBeGreaterThan(0);

    const deps = createClickPipeline({
      db: store.db,
      sfmc,
      queue,
      logger: createLogger({ level: 'silent' }),
      timeZone: config.REPORTING_TIME_ZONE,
      pageSize: 100,
      batchSize: 50,
      leaseSeconds: config.CLICKS_LOAD_LEASE_SECONDS,
      visibilitySeconds: config.CLICKS_VISIBILITY_SECONDS,
    });
    const unit = (await sfmc.businessUnit('NA'))!;
    let recoveredIn = Infinity;
    while (Date.now() - killedAt < 40_000) {
      const summary = await runClickSync(deps, unit);
      const depths = await clickQueueDepths(queue);
      if (!summary.skipped && summary.backlog === 0 && depths.toProcess === 0 && depths.processed === 0) {
        recoveredIn = Date.now() - killedAt;
        break;
      }
      await pause(250);
    }
    await queue.close();
    // Lease and visibility are 10 s by default (they were 120 s); 30 s leaves a wide margin
    // for a loaded two-core machine.
    expect(recoveredIn).toBeLessThan(30_000);
    const events = await clickCollections(store.db).events.find({}).toArray();
    expect(events.reduce((sum, event) => sum + event.n, 0)).toBe(ROWS);
    expect(new Set(events.flatMap((event) => event.guids)).size).toBe(ROWS);
  }, 120_000);
});
