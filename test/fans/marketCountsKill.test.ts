import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { loadConfig } from '../../src/config';
import { openStore, type Store } from '../../src/datasources/store';
import type { FanEntryCountsDoc } from '../../src/services/fans/entries/marketCounts';
import { FAN_ENTRIES, FAN_ENTRY_COUNTS, type FanEntryDoc } from '../../src/services/fans/model';
import { storeCampaign } from './ingestSupport';

/**
 * A service killed with kill -9 while it takes in registrations: on the embedded store a batch's
 * entries and its market counts are one commit, so the counts read straight from the store after
 * the kill (before any start-up recount) equal the entries counted on their index.
 */
describe('registrations per market after a service killed with kill -9', () => {
  let dataDir: string;
  let store: Store | undefined;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'market-counts-kill-'));
  });
  afterAll(async () => {
    await store?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const openData = () => openStore({ dataDir, dbName: loadConfig({ DATA_DIR: dataDir }).MONGODB_DB_NAME });

  it('equal the entries counted on their index', async () => {
    store = await openData();
    await storeCampaign(store.db, 'killed');
    await store.close();
    store = undefined;

    const child = spawn(process.execPath, ['-r', '@swc-node/register', join(__dirname, 'registerChild.ts'), dataDir], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    let killed = false;
    for await (const line of createInterface({ input: child.stdout! })) {
      if (line === 'batch 3') {
        killed = child.kill('SIGKILL');
        break;
      }
    }
    await exited;
    expect(killed).toBe(true);

    store = await openData();
    const entries = store.db.collection<FanEntryDoc>(FAN_ENTRIES);
    const counted = {
      nyc: await entries.countDocuments({ campaignId: 'killed', market: 'nyc' }),
      lon: await entries.countDocuments({ campaignId: 'killed', market: 'lon' }),
    };
    expect(counted.nyc + counted.lon).toBeGreaterThanOrEqual(6000);
    const kept = await store.db.collection<FanEntryCountsDoc>(FAN_ENTRY_COUNTS).findOne({ _id: 'killed' });
    expect(kept?.markets).toEqual(counted);
  }, 60_000);
});
