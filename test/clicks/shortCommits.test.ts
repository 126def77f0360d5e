import { loadConfig } from '../../src/config';
import type { QueueMessage } from '../../src/datasources/queue';
import { createSfmcPort, type SourceRow } from '../../src/datasources/sfmc';
import { MARK_CHUNK_ROWS } from '../../src/datasources/sfmc/local/localClickLog';
import type { Db, Document } from '../../src/datasources/store';
import { clickCollections } from '../../src/services/clicks/clickModels';
import { CLICK_ROLLUPS } from '../../src/services/clicks/clickRollups';
import { handleClickBatches } from '../../src/services/clicks/handlers';
import { rebuildClickRollups } from '../../src/services/clicks/rebuildClickRollups';
import { withFault } from './support/faults';
import { clickRow, openHarness, type Harness } from './support/harness';

/** 300 rows over 30 keys (3 URLs x 10 subscribers), each id delivered twice. */
function rows(): SourceRow[] {
  const values = [];
  for (let i = 0; i < 150; i++) {
    const row = clickRow({ EventID: `id-${i}`, URL: `https://example.com/${i % 3}`, SubscriberKey: `s${i % 10}` });
    values.push(row, { ...row });
  }
  return values.map((v, i) => ({ key: `row-${i}`, values: v }));
}

const message = (body: unknown): QueueMessage => ({
  id: 'm-1',
  body: JSON.stringify(body),
  receiptHandle: 'r-1',
  receiveCount: 1,
  sentAt: new Date(),
});

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
 * The processor writes a received batch in passes of CLICKS_WRITE_ROWS rows, and the local
 * source marks processed rows in chunks, each its own commit: a process that dies between two
 * of them leaves a state the redelivery completes exactly.
 */
describe('short commits of the click pipeline', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await openHarness();
  });
  afterEach(() => h.close());

  it('a processor that dies between two passes of one batch: the redelivery counts exactly', async () => {
    const deps = { ...h.deps, writeRows: 100 };
    // killed once the first pass is committed, before it hands its keys on
    const queue = { ...h.queue, sendBatch: async () => Promise.reject(new Error('killed')) } as typeof h.queue;
    const received = [message({ bu: 'NA', rows: rows() })];
    const failed = await handleClickBatches({ ...deps, queue }, received);
    expect(failed.retry).toHaveLength(1);
    const written = await clickCollections(h.db).events.find({}).toArray();
    expect(written.length).toBeGreaterThan(0);
    expect(written.every((e) => e.n < 5)).toBe(true);
    expect((await figures(h.db))[0]).toEqual([{ _id: 'NA', clicks: 50, clickers: 10 }]);

    const redelivered = await handleClickBatches(deps, received);
    expect(redelivered.retry).toHaveLength(0);
    const events = await clickCollections(h.db).events.find({}).toArray();
    expect(events).toHaveLength(30);
    expect(events.every((e) => e.n === 5 && e.guids.length === 5)).toBe(true);
    const kept = await figures(h.db);
    expect(kept[0]).toEqual([{ _id: 'NA', clicks: 150, clickers: 10 }]);
    await rebuildClickRollups(h.db, deps.unitWriters, 'NA');
    expect(await figures(h.db)).toEqual(kept);
  });

  it('writes rows received together in passes of CLICKS_WRITE_ROWS when they fill one, else of CLICKS_LIVE_WRITE_ROWS', async () => {
    // killed once the first pass is committed: the figures show how many rows it wrote
    const queue = { ...h.queue, sendBatch: async () => Promise.reject(new Error('killed')) } as typeof h.queue;
    const received = [message({ bu: 'NA', rows: rows() })];
    await handleClickBatches({ ...h.deps, queue, writeRows: 5000, liveWriteRows: 100 }, received);
    expect((await figures(h.db))[0]).toEqual([{ _id: 'NA', clicks: 50, clickers: 10 }]);

    const other = await openHarness();
    try {
      const behind = { ...other.deps, queue: { ...other.queue, sendBatch: queue.sendBatch } as typeof other.queue };
      await handleClickBatches({ ...behind, writeRows: 300, liveWriteRows: 100 }, received);
      expect((await figures(other.db))[0]).toEqual([{ _id: 'NA', clicks: 150, clickers: 10 }]);
    } finally {
      await other.close();
    }
  });

  it('an acknowledger that dies between two chunks: marking again leaves no row unprocessed', async () => {
    const config = loadConfig({ QUEUE_POLL_INTERVAL_MS: '10' });
    const total = MARK_CHUNK_ROWS * 2 + 10;
    await h.sfmc.appendRows!(
      'NA',
      Array.from({ length: total }, (_, i) => clickRow({ EventID: `ack-${i}` })),
    );
    const unit = (await h.sfmc.businessUnit('NA'))!;
    const page = await h.sfmc.readClickLog(unit, { from: null, cursor: null, pageSize: 2500 });
    const keys = page.rows.map((row) => row.key);
    expect(keys).toHaveLength(total);

    let marks = 0;
    const dying = withFault(h.db, 'sfmc_click_log', 'updateMany', async (real, [filter, update]) => {
      marks += 1;
      if (marks > 1) throw new Error('killed');
      return real.updateMany(filter as never, update as never);
    });
    await expect(createSfmcPort(config, dying).markProcessed(unit, keys)).rejects.toThrow('killed');
    expect(await h.sfmc.backlog(unit)).toBe(total - MARK_CHUNK_ROWS);

    expect(await h.sfmc.markProcessed(unit, keys)).toBe(total);
    expect(await h.sfmc.backlog(unit)).toBe(0);
  });
});
