import { loadConfig } from '../../../src/config';
import { createQueuePort, type QueuePort } from '../../../src/datasources/queue';
import { createSfmcPort, type SfmcPort } from '../../../src/datasources/sfmc';
import type { Db, Store } from '../../../src/datasources/store';
import { applyFeatureIndexes } from '../../../src/features';
import { createLogger } from '../../../src/logger';
import { type ClickLogRow } from '../../../src/datasources/sfmc/clickLogRow';
import { createClickPipeline, type ClickPipelineDeps } from '../../../src/services/clicks/pipeline';
import { ensureClickQueues } from '../../../src/services/clicks/clickWorkers';
import { openTestStore } from '../../support/store';

export interface Harness {
  store: Store;
  db: Db;
  queue: QueuePort;
  sfmc: SfmcPort;
  deps: ClickPipelineDeps;
  close(): Promise<void>;
}

/** A fresh embedded store, embedded queue and local Marketing Cloud, with small pages. */
export async function openHarness(
  overrides: Partial<Pick<ClickPipelineDeps, 'pageSize' | 'batchSize' | 'ackBatchSize'>> = {},
): Promise<Harness> {
  const store = await openTestStore();
  await applyFeatureIndexes(store.db);
  const config = loadConfig({ QUEUE_POLL_INTERVAL_MS: '10' });
  const queue = createQueuePort(config, store.db);
  const sfmc = createSfmcPort(config, store.db);
  const deps = {
    ...createClickPipeline({
      db: store.db,
      sfmc,
      queue,
      logger: createLogger({ level: 'silent' }),
      timeZone: 'America/Chicago',
      pageSize: 50,
      batchSize: 20,
      ackBatchSize: 30,
    }),
    ...overrides,
  };
  await ensureClickQueues(deps);
  return {
    store,
    db: store.db,
    queue,
    sfmc,
    deps,
    async close() {
      await queue.close();
      await store.close();
    },
  };
}

let sequence = 0;

/** A valid click row; override any column. */
export function clickRow(overrides: Record<string, unknown> = {}): ClickLogRow {
  sequence += 1;
  return {
    JobID: '9001',
    BatchID: '1',
    ListID: '10',
    SubscriberKey: 'sub-1',
    SubscriberID: '501',
    EventDate: '3/8/2026 10:00:00 AM',
    URL: 'https://example.com/offer',
    LinkName: 'offer',
    LinkContent: 'https://example.com/offer',
    IsUnique: 'False',
    EventID: `E-${sequence}`,
    ...overrides,
  };
}
