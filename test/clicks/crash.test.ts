import type { SourceRow } from '../../src/datasources/sfmc';
import { clickCollections, MAX_GUIDS_PER_EVENT, QUEUE_TO_PROCESS } from '../../src/services/clicks/clickModels';
import { loadClicks } from '../../src/services/clicks/loadClicks';
import { clickBatchMessage } from '../../src/services/clicks/messages';
import { processClicks } from '../../src/services/clicks/processClicks';
import { withFault } from './support/faults';
import { clickRow, openHarness, type Harness } from './support/harness';

const rowsOf = (values: Record<string, unknown>[]): SourceRow[] =>
  values.map((v, i) => ({ key: `row-${i}`, values: v }));

/** 300 rows over 30 keys (3 URLs x 10 subscribers), each id delivered twice. */
function batch(): SourceRow[] {
  const values = [];
  for (let i = 0; i < 150; i++) {
    const row = clickRow({ EventID: `id-${i}`, URL: `https://example.com/${i % 3}`, SubscriberKey: `s${i % 10}` });
    values.push(row, { ...row });
  }
  return rowsOf(values);
}

describe('a processor that dies mid-batch and runs again', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await openHarness();
  });
  afterEach(() => h.close());

  const expectExact = async () => {
    const events = await clickCollections(h.db).events.find({}).toArray();
    expect(events).toHaveLength(30);
    expect(events.every((e) => e.n === 5 && e.guids.length === 5)).toBe(true);
  };

  it('dies after writing half of the click events: the re-run counts exactly', async () => {
    const rows = batch();
    const dying = withFault(h.db, 'email_click_events', 'bulkWrite', async (real, [ops, options]) => {
      await real.bulkWrite((ops as unknown[]).slice(0, 15) as never, options as never);
      throw new Error('killed');
    });
    await expect(processClicks({ ...h.deps, db: dying }, 'NA', rows)).rejects.toThrow('killed');
    expect(await clickCollections(h.db).events.countDocuments()).toBe(15);
    await processClicks(h.deps, 'NA', rows);
    await expectExact();
    // delivered once more after it succeeded: nothing changes
    await processClicks(h.deps, 'NA', rows);
    await expectExact();
  });

  it('dies before handing the keys to the acknowledger: the re-run counts exactly', async () => {
    const rows = batch();
    const queue = { ...h.queue, sendBatch: async () => Promise.reject(new Error('killed')) } as typeof h.queue;
    await expect(processClicks({ ...h.deps, queue }, 'NA', rows)).rejects.toThrow('killed');
    await expectExact();
    const result = await processClicks(h.deps, 'NA', rows);
    expect(result).toMatchObject({ rows: 300, clicks: 300, eventKeys: 30 });
    await expectExact();
  });
});

describe('a key with more than 5,000 distinct event ids', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await openHarness();
  });
  afterAll(() => h.close());

  const oneKey = (ids: string[]) => rowsOf(ids.map((id) => clickRow({ EventID: id })));
  const ids = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `g-${from + i}`);

  it('keeps counting exactly with the overflow in a side collection', async () => {
    const result = await processClicks(h.deps, 'NA', oneKey(ids(0, MAX_GUIDS_PER_EVENT + 3)));
    expect(result.overflowed).toBe(1);
    let event = (await clickCollections(h.db).events.findOne({}))!;
    expect(event.n).toBe(MAX_GUIDS_PER_EVENT + 3);
    expect(event.guids).toHaveLength(MAX_GUIDS_PER_EVENT);
    expect(await clickCollections(h.db).eventIds.countDocuments({ eventKey: event._id })).toBe(3);

    // 10 more ids, half of them already stored (in guids or in the overflow)
    const overflowIds = (await clickCollections(h.db).eventIds.find({}).toArray()).map((d) => d.guid);
    await processClicks(h.deps, 'NA', oneKey([...ids(9000, 9005), event.guids[0]!, event.guids[1]!, ...overflowIds]));
    event = (await clickCollections(h.db).events.findOne({}))!;
    expect(event.n).toBe(MAX_GUIDS_PER_EVENT + 8);
    expect(event.guids).toHaveLength(MAX_GUIDS_PER_EVENT);
  });

  it('stays exact when it dies between storing overflow ids and setting n', async () => {
    const dying = withFault(h.db, 'email_click_events', 'updateOne', async () => {
      throw new Error('killed');
    });
    const rows = oneKey(ids(9100, 9104));
    await expect(processClicks({ ...h.deps, db: dying }, 'NA', rows)).rejects.toThrow('killed');
    await processClicks(h.deps, 'NA', rows);
    const event = (await clickCollections(h.db).events.findOne({}))!;
    expect(event.n).toBe(MAX_GUIDS_PER_EVENT + 12);
    expect(await clickCollections(h.db).eventIds.countDocuments({ eventKey: event._id })).toBe(12);
  });
});

describe('a loader that dies between pages', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await openHarness();
  });
  afterEach(() => h.close());

  const queuedKeys = async () => {
    const keys: string[] = [];
    for (;;) {
      const messages = await h.queue.receive(QUEUE_TO_PROCESS, { maxMessages: 10 });
      if (messages.length === 0) return keys;
      for (const m of messages) keys.push(...clickBatchMessage.parse(JSON.parse(m.body)).rows.map((r) => r.key));
      await h.queue.delete(
        QUEUE_TO_PROCESS,
        messages.map((m) => m.receiptHandle),
      );
    }
  };

  it('is resumed from the stored page by the next loader, missing nothing', async () => {
    await h.sfmc.appendRows!(
      'NA',
      Array.from({ length: 230 }, (_, i) =>
        clickRow({ EventDate: `3/8/2026 10:${String(i % 60).padStart(2, '0')}:00 AM` }),
      ),
    );
    const unit = (await h.sfmc.businessUnit('NA'))!;
    let reads = 0;
    const failing = {
      ...h.sfmc,
      readClickLog: (...args: Parameters<typeof h.sfmc.readClickLog>) =>
        ++reads === 3 ? Promise.reject(new Error('killed')) : h.sfmc.readClickLog(...args),
    };
    await expect(loadClicks({ ...h.deps, sfmc: failing }, unit)).rejects.toThrow('killed');
    const state = await clickCollections(h.db).syncState.findOne({ _id: 'NA' });
    expect(state?.run).toMatchObject({ pages: 2, rows: 100 });
    const result = await loadClicks(h.deps, unit);
    expect(result).toMatchObject({ resumed: true, rows: 230, pages: 5 });
    const keys = await queuedKeys();
    expect(new Set(keys).size).toBe(230);
    expect(keys).toHaveLength(230);
    expect((await clickCollections(h.db).syncState.findOne({ _id: 'NA' }))?.watermark?.toISOString()).toBe(
      '2026-03-08T16:59:00.000Z',
    );
  });

  it('leaves a unit alone while another loader holds it', async () => {
    await h.sfmc.appendRows!(
      'NA',
      Array.from({ length: 120 }, () => clickRow()),
    );
    const unit = (await h.sfmc.businessUnit('NA'))!;
    const [a, b] = await Promise.all([
      loadClicks(h.deps, unit, { owner: 'job-a' }),
      loadClicks(h.deps, unit, { owner: 'job-b' }),
    ]);
    expect([a.skipped, b.skipped].sort()).toEqual([false, true]);
    expect(a.rows + b.rows).toBe(120);
    expect(await queuedKeys()).toHaveLength(120);
    // released at the end: the next loader runs
    expect((await loadClicks(h.deps, unit, { owner: 'job-c' })).skipped).toBe(false);
  });

  it('keeps the unit while a page read outlasts the lease: a heartbeat renews it', async () => {
    await h.sfmc.appendRows!(
      'NA',
      Array.from({ length: 120 }, () => clickRow()),
    );
    const unit = (await h.sfmc.businessUnit('NA'))!;
    const deps = { ...h.deps, leaseMs: 300 };
    const slow = {
      ...h.sfmc,
      readClickLog: async (...args: Parameters<typeof h.sfmc.readClickLog>) => {
        await new Promise((resolve) => setTimeout(resolve, 500));
        return h.sfmc.readClickLog(...args);
      },
    };
    const first = loadClicks({ ...deps, sfmc: slow }, unit, { owner: 'job-a' });
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect((await loadClicks(deps, unit, { owner: 'job-b' })).skipped).toBe(true);
    expect(await first).toMatchObject({ skipped: false, rows: 120 });
  });

  it('stops without storing its position once another loader took the unit over', async () => {
    await h.sfmc.appendRows!(
      'NA',
      Array.from({ length: 230 }, () => clickRow()),
    );
    const unit = (await h.sfmc.businessUnit('NA'))!;
    let reads = 0;
    const takenOver = {
      ...h.sfmc,
      readClickLog: async (...args: Parameters<typeof h.sfmc.readClickLog>) => {
        // the lease ran out meanwhile (a stalled process) and another loader took the unit
        const { syncState } = clickCollections(h.db);
        if (++reads === 3) await syncState.updateOne({ _id: 'NA' }, { $set: { leaseOwner: 'job-b' } });
        return h.sfmc.readClickLog(...args);
      },
    };
    const load = loadClicks({ ...h.deps, sfmc: takenOver }, unit, { owner: 'job-a' });
    await expect(load).rejects.toMatchObject({ name: 'LoadLeaseLostError' });
    const state = await clickCollections(h.db).syncState.findOne({ _id: 'NA' });
    expect(state).toMatchObject({ leaseOwner: 'job-b', run: { pages: 2, rows: 100 } });
  });

  it('reads again from an earlier date for a final sync (since)', async () => {
    await h.sfmc.appendRows!('NA', [
      clickRow({ EventDate: '3/1/2026 10:00:00 AM' }),
      clickRow({ EventDate: '3/8/2026 10:00:00 AM' }),
    ]);
    const unit = (await h.sfmc.businessUnit('NA'))!;
    expect((await loadClicks(h.deps, unit, { since: new Date('2026-03-05T00:00:00Z') })).rows).toBe(1);
    expect((await loadClicks(h.deps, unit, { since: new Date('2026-02-01T00:00:00Z') })).rows).toBe(2);
  });
});
