import { clickCollections, QUEUE_TO_PROCESS } from '../../src/services/clicks/clickModels';
import { clickSyncStatus } from '../../src/services/clicks/clickSyncStatus';
import { loadClicks } from '../../src/services/clicks/loadClicks';
import { encodeBatches } from '../../src/services/clicks/messages';
import { runClickSync } from '../../src/services/clicks/runClickSync';
import { graphql } from '../support/graphql';
import { startTestServer } from '../support/server';
import { clickRow, openHarness, type Harness } from './support/harness';

const HOUR = 3600_000;
/** An EventDate `hoursAgo` before now, with its offset, so the rows stay recent whatever day the suite runs. */
const hoursAgo = (hours: number) => new Date(Date.now() - hours * HOUR).toISOString();

const clicksOf = async (h: Harness) =>
  (await clickCollections(h.db).events.find({}).toArray()).reduce((sum, event) => sum + event.n, 0);

/**
 * A row that reaches Marketing Cloud after the loader went past its EventDate (by more than the
 * lookback) is still loaded, once, by a scheduled load; clickSyncStatus shows how old the oldest
 * unprocessed row is meanwhile.
 */
describe('click rows that arrive late', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await openHarness();
  });
  afterEach(() => h.close());

  const clicks = () => clicksOf(h);

  it('are loaded by the next scheduled load, without `since`, and counted once', async () => {
    await h.sfmc.appendRows!('NA', [
      clickRow({ EventID: 'on-time-1', EventDate: hoursAgo(1) }),
      clickRow({ EventID: 'on-time-2', EventDate: hoursAgo(0.5) }),
    ]);
    const unit = (await h.sfmc.businessUnit('NA'))!;
    expect(await runClickSync(h.deps, unit)).toMatchObject({ loaded: 2, backlog: 0 });

    // written by Marketing Cloud now, dated five hours back: far behind watermark minus lookback
    await h.sfmc.appendRows!('NA', [
      clickRow({ EventID: 'late', EventDate: hoursAgo(5), URL: 'https://example.com/late' }),
    ]);
    const [waiting] = await clickSyncStatus(h.db, h.sfmc);
    expect(waiting!.backlog).toBe(1);
    expect(waiting!.oldestUnprocessedAgeSeconds).toBeGreaterThanOrEqual(5 * 3600 - 60);
    expect(waiting!.oldestUnprocessedAt?.getTime()).toBeLessThan(Date.now() - 4.9 * HOUR);

    expect(await runClickSync(h.deps, unit)).toMatchObject({ loaded: 1, clicks: 1, acknowledged: 1, backlog: 0 });
    expect(await clicks()).toBe(3);
    const [caughtUp] = await clickSyncStatus(h.db, h.sfmc);
    expect(caughtUp).toMatchObject({ backlog: 0, oldestUnprocessedAt: null, oldestUnprocessedAgeSeconds: null });

    // and never again: the next loads find nothing to read
    expect(await runClickSync(h.deps, unit)).toMatchObject({ loaded: 0, backlog: 0 });
    expect(await clicks()).toBe(3);
  });

  it('are left for later while the pipeline still holds rows of earlier loads, so none is queued twice', async () => {
    await h.sfmc.appendRows!('NA', [clickRow({ EventID: 'on-time', EventDate: hoursAgo(1) })]);
    const unit = (await h.sfmc.businessUnit('NA'))!;
    await runClickSync(h.deps, unit);
    await h.sfmc.appendRows!('NA', [clickRow({ EventID: 'late', EventDate: hoursAgo(5) })]);

    // a batch of an earlier load still waits for the processor: unprocessed rows may be in flight
    await h.queue.send(QUEUE_TO_PROCESS, {
      body: encodeBatches('NA', [{ key: 'elsewhere', values: clickRow() }], 10)[0]!,
    });
    expect((await loadClicks(h.deps, unit)).rows).toBe(0);

    await runClickSync(h.deps, unit);
    expect(await h.sfmc.backlog(unit)).toBe(0);
    expect(await clicks()).toBe(3);
  });
});

describe('loads while earlier rows are in flight', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await openHarness();
  });
  afterEach(() => h.close());

  it('queue only rows newer than the last load, never the ones still on their way', async () => {
    await h.sfmc.appendRows!(
      'NA',
      Array.from({ length: 30 }, (_, i) => clickRow({ EventID: `first-${i}`, EventDate: hoursAgo(0.5 - i / 1000) })),
    );
    const unit = (await h.sfmc.businessUnit('NA'))!;
    // the first load's rows wait for the processor
    expect((await loadClicks(h.deps, unit)).rows).toBe(30);
    await h.sfmc.appendRows!(
      'NA',
      Array.from({ length: 10 }, (_, i) => clickRow({ EventID: `next-${i}`, EventDate: hoursAgo(0.1 - i / 1000) })),
    );
    // the new rows, and the first load's last row: rows dated at the watermark itself may be new
    const second = await loadClicks(h.deps, unit);
    expect(second).toMatchObject({ rows: 11, readAll: false });

    await runClickSync(h.deps, unit);
    expect(await h.sfmc.backlog(unit)).toBe(0);
    expect(await clicksOf(h)).toBe(40);
  });
});

describe('clickSyncStatus through GraphQL', () => {
  it("shows the oldest unprocessed row's EventDate and age", async () => {
    const server = await startTestServer({ JOB_WORKERS: 'false' });
    try {
      const viewer = await server.createApiKey('viewer');
      await server.app.ports.sfmc.appendRows!('NA', [
        clickRow({ EventDate: hoursAgo(2) }),
        clickRow({ EventDate: hoursAgo(1) }),
      ]);
      const response = await graphql<{
        clickSyncStatus: { bu: string; oldestUnprocessedAt: string; oldestUnprocessedAgeSeconds: number }[];
      }>(server.url, '{ clickSyncStatus { bu oldestUnprocessedAt oldestUnprocessedAgeSeconds } }', {}, { key: viewer });
      expect(response.errors).toBeUndefined();
      const [status] = response.data!.clickSyncStatus;
      expect(status!.bu).toBe('NA');
      expect(Date.parse(status!.oldestUnprocessedAt)).toBeLessThan(Date.now() - 1.9 * HOUR);
      expect(status!.oldestUnprocessedAgeSeconds).toBeGreaterThanOrEqual(2 * 3600 - 60);
    } finally {
      await server.stop();
    }
  });
});
