import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { loadConfig } from '../../src/config';
import { createQueuePort } from '../../src/datasources/queue';
import { createSfmcPort } from '../../src/datasources/sfmc';
import { openStore, type Db, type Document, type Store } from '../../src/datasources/store';
import { applyFeatureIndexes } from '../../src/features';
import { createLogger } from '../../src/logger';
import { clickQueueDepths } from '../../src/services/clicks/clickSyncStatus';
import { CLICK_ROLLUPS } from '../../src/services/clicks/clickRollups';
import { createClickPipeline } from '../../src/services/clicks/pipeline';
import { rebuildClickRollups } from '../../src/services/clicks/rebuildClickRollups';
import { runClickSync } from '../../src/services/clicks/runClickSync';
import { clickRow } from './support/harness';

const ROWS = 3000;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function figures(db: Db): Promise<Document[][]> {
  return Promise.all(
    Object.values(CLICK_ROLLUPS).map((name) =>
      db
        .collection(name)
        .find({}, { sort: { _id: 1 } })
        .toArray(),
    ),
  );
}

/**
 * A click sync killed with kill -9 while its processors write: on the embedded store a batch's
 * click events and its figures are one commit, so once another process has finished the sync the
 * kept figures are exactly what a rebuild from the events gives.
 */
describe('click figures after a click sync killed with kill -9', () => {
  let dataDir: string;
  let store: Store | undefined;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'click-rollup-kill-'));
  });
  afterAll(async () => {
    await store?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('equal a rebuild from the events once the sync is taken over', async () => {
    const config = loadConfig({ DATA_DIR: dataDir, QUEUE_POLL_INTERVAL_MS: '10' });
    store = await openStore({ dataDir, dbName: 'test' });
    await applyFeatureIndexes(store.db);
    const distinct = Array.from({ length: ROWS }, (_, i) =>
      clickRow({
        EventID: `k-${i}`,
        JobID: String(100 + (i % 5)),
        SubscriberKey: `s${(i * 7) % 240}`,
        URL: `https://e.com/${i % 5}/${i % 3}`,
        EventDate: `3/${8 + (i % 4)}/2026 10:00:00 AM`,
      }),
    );
    // a hundred rows delivered twice
    const rows = [...distinct, ...distinct.slice(0, 100).map((row) => ({ ...row }))];
    await createSfmcPort(config, store.db).appendRows!('NA', rows);
    await store.close();
    store = undefined;

    const child = spawn(process.execPath, ['-r', '@swc-node/register', join(__dirname, 'syncChild.ts'), dataDir], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    let received = 0;
    for await (const line of createInterface({ input: child.stdout! })) {
      if (line.startsWith('received ')) received += Number(line.slice(9));
      if (received >= 4 || line === 'done') {
        child.kill('SIGKILL');
        break;
      }
    }
    await exited;

    store = await openStore({ dataDir, dbName: 'test' });
    const queue = createQueuePort(config, store.db);
    const deps = createClickPipeline({
      db: store.db,
      sfmc: createSfmcPort(config, store.db),
      queue,
      logger: createLogger({ level: 'silent' }),
      timeZone: config.REPORTING_TIME_ZONE,
      pageSize: 100,
      batchSize: 50,
      leaseSeconds: config.CLICKS_LOAD_LEASE_SECONDS,
      visibilitySeconds: config.CLICKS_VISIBILITY_SECONDS,
    });
    const unit = (await deps.sfmc.businessUnit('NA'))!;
    const killedAt = Date.now();
    for (;;) {
      const summary = await runClickSync(deps, unit);
      const depths = await clickQueueDepths(queue);
      if (!summary.skipped && summary.backlog === 0 && depths.toProcess === 0 && depths.processed === 0) break;
      if (Date.now() - killedAt > 60_000) throw new Error('the sync was not taken over within a minute');
      await pause(250);
    }
    await queue.close();
    const kept = await figures(store.db);
    expect(kept[0]).toEqual([{ _id: 'NA', clicks: ROWS, clickers: 240 }]);
    await rebuildClickRollups(store.db, deps.unitWriters, 'NA');
    expect(await figures(store.db)).toEqual(kept);
  }, 120_000);
});
