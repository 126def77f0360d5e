import { clickCollections, QUEUE_PROCESSED, QUEUE_TO_PROCESS } from '../../src/services/clicks/clickModels';
import { parseClickRow } from '../../src/services/clicks/clickRow';
import { demoClickRows, fillDemoClicks } from '../../src/services/clicks/demoClicks';
import { ReportingCalendar } from '../../src/services/clicks/reportingDay';
import { runClickSync } from '../../src/services/clicks/runClickSync';
import { withFault } from './support/faults';
import { clickRow, openHarness, type Harness } from './support/harness';

describe('click pipeline on the embedded engines', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await openHarness();
  });
  afterEach(() => h.close());

  const unit = async (name: string) => (await h.sfmc.businessUnit(name))!;
  const events = () => clickCollections(h.db).events.find({}).toArray();

  it('aggregates clicks per (bu, day, send, url, subscriber) and acknowledges every row', async () => {
    await h.sfmc.appendRows!('NA', [
      clickRow({ EventID: 'a' }),
      clickRow({ EventID: 'b', EventDate: '3/8/2026 10:05:00 AM' }),
      clickRow({ EventID: 'c', URL: 'https://example.com/other' }),
      clickRow({ EventID: 'd', SubscriberKey: 'sub-2' }),
      clickRow({ EventID: 'e', EventDate: '3/9/2026 9:00:00 AM' }),
    ]);
    const summary = await runClickSync(h.deps, await unit('NA'));
    expect(summary).toMatchObject({ loaded: 5, rows: 5, clicks: 5, rejected: 0, acknowledged: 5, backlog: 0 });
    const stored = await events();
    expect(stored).toHaveLength(4);
    const busiest = stored.find((e) => e.n === 2)!;
    expect(busiest.guids.sort()).toEqual(['a', 'b']);
    expect(busiest.last.toISOString()).toBe('2026-03-08T16:05:00.000Z');
    expect(busiest.day.toISOString()).toBe('2026-03-08T06:00:00.000Z');
    expect(await clickCollections(h.db).sends.countDocuments()).toBe(1);
    expect(await clickCollections(h.db).urls.countDocuments()).toBe(2);
    expect(await clickCollections(h.db).subscribers.countDocuments()).toBe(2);
  });

  it('counts duplicate and redelivered rows once', async () => {
    const rows = [clickRow({ EventID: 'x1' }), clickRow({ EventID: 'x2' }), clickRow({ EventID: 'x1' })];
    const noEventId = clickRow({ EventID: undefined, SubscriberKey: 'derived' });
    await h.sfmc.appendRows!('NA', [...rows, noEventId, { ...noEventId }]);
    await runClickSync(h.deps, await unit('NA'));
    // The same rows delivered again after they were processed.
    await h.sfmc.appendRows!('NA', [...rows, noEventId]);
    const again = await runClickSync(h.deps, await unit('NA'), { since: new Date('2026-03-01T00:00:00Z') });
    expect(again).toMatchObject({ loaded: 4, acknowledged: 4, backlog: 0 });
    const byKey = new Map((await events()).map((e) => [e.guids.length === 1 ? 'derived' : 'explicit', e]));
    expect(byKey.get('explicit')).toMatchObject({ n: 2 });
    expect(byKey.get('derived')).toMatchObject({ n: 1 });
  });

  it('lands clicks around the DST changes on the right reporting day', async () => {
    await h.sfmc.appendRows!('NA', [
      clickRow({ EventID: 'm1', EventDate: '3/8/2026 10:59:59 PM' }),
      clickRow({ EventID: 'm2', EventDate: '3/8/2026 11:00:00 PM' }),
      clickRow({ EventID: 'n1', EventDate: '2026-10-31T22:59:59' }),
      clickRow({ EventID: 'n2', EventDate: '2026-10-31T23:00:00' }),
      clickRow({ EventID: 'n3', EventDate: '11/1/2026 1:30:00 AM' }),
    ]);
    await runClickSync(h.deps, await unit('NA'));
    const days = Object.fromEntries((await events()).flatMap((e) => e.guids.map((g) => [g, e.day.toISOString()])));
    expect(days).toEqual({
      m1: '2026-03-08T06:00:00.000Z',
      m2: '2026-03-09T05:00:00.000Z',
      n1: '2026-10-31T05:00:00.000Z',
      n2: '2026-11-01T05:00:00.000Z',
      n3: '2026-11-01T05:00:00.000Z',
    });
  });

  it('keeps two business units with the same JobID, URL and subscriber apart', async () => {
    await h.sfmc.appendRows!('NA', [clickRow({ EventID: 'same' })]);
    await h.sfmc.appendRows!('EU', [clickRow({ EventID: 'same' }), clickRow({ EventID: 'other' })]);
    await runClickSync(h.deps, await unit('NA'));
    await runClickSync(h.deps, await unit('EU'));
    const stored = await events();
    expect(stored.map((e) => [e.bu, e.n]).sort()).toEqual([
      ['EU', 2],
      ['NA', 1],
    ]);
    const sends = await clickCollections(h.db).sends.find({}).toArray();
    expect(sends.map((s) => [s.bu, s.jobId]).sort()).toEqual([
      ['EU', '9001'],
      ['NA', '9001'],
    ]);
    expect(new Set(sends.map((s) => s._id)).size).toBe(2);
    expect((await h.sfmc.businessUnits()).map((u) => [u.name, u.source])).toEqual([
      ['EU', 'local'],
      ['NA', 'local'],
    ]);
  });

  it('processes a failed batch again at once and still drains both queues', async () => {
    await h.sfmc.appendRows!('NA', [clickRow({ EventID: 'r1' }), clickRow({ EventID: 'r2' })]);
    let failures = 0;
    const flaky = withFault(h.db, 'email_sends', 'bulkWrite', async (real, [operations, options]) => {
      if (failures++ < 2) throw new Error('send store down');
      return real.bulkWrite(operations as never, options as never);
    });
    const summary = await runClickSync({ ...h.deps, db: flaky }, await unit('NA'));
    expect(summary).toMatchObject({ rows: 2, clicks: 2, acknowledged: 2, backlog: 0 });
    const drained = { visible: 0, inFlight: 0, delayed: 0, deadLettered: 0 };
    expect(await h.queue.stats(QUEUE_TO_PROCESS)).toEqual(drained);
    expect(await h.queue.stats(QUEUE_PROCESSED)).toEqual(drained);
  });

  it('counts, records and acknowledges malformed rows without failing their batch', async () => {
    await h.sfmc.appendRows!('NA', [
      clickRow({ EventID: 'ok1' }),
      clickRow({ EventID: 'bad-date', EventDate: '31/31/2026' }),
      clickRow({ EventID: 'no-job', JobID: '' }),
      clickRow({ EventID: 'long-url', URL: `https://example.com/${'x'.repeat(2100)}` }),
      clickRow({ EventID: 'ok2' }),
    ]);
    const summary = await runClickSync(h.deps, await unit('NA'));
    expect(summary).toMatchObject({ rows: 5, clicks: 2, rejected: 3, acknowledged: 5, backlog: 0 });
    const rejects = await clickCollections(h.db).rejects.find({}).toArray();
    expect(rejects.map((r) => r.reason).sort()).toEqual(['BAD_EVENT_DATE', 'MISSING_JOB_ID', 'URL_TOO_LONG']);
    expect((await events())[0]).toMatchObject({ n: 2 });
  });
});

describe('the demo data set', () => {
  it('fills the local data extension with redelivered and malformed rows that sync to exact counts', async () => {
    const h = await openHarness({ pageSize: 500, batchSize: 200 });
    try {
      const filled = await fillDemoClicks(h.sfmc, {
        units: ['North America', 'Europe'],
        rowsPerUnit: 600,
        now: new Date('2026-03-20T12:00:00Z'),
      });
      expect(filled).toEqual([
        { bu: 'North America', rows: 600 },
        { bu: 'Europe', rows: 600 },
      ]);
      const calendar = new ReportingCalendar('America/Chicago');
      for (const [index, bu] of ['North America', 'Europe'].entries()) {
        const rows = demoClickRows(bu, index, { rowsPerUnit: 600, now: new Date('2026-03-20T12:00:00Z') });
        const parsed = rows.map((row) => parseClickRow(bu, row, calendar));
        const distinct = new Set(parsed.flatMap((p) => (p.ok ? [p.click.eventId] : [])));
        expect(distinct.size).toBeLessThan(parsed.filter((p) => p.ok).length);
        const summary = await runClickSync(h.deps, (await h.sfmc.businessUnit(bu))!);
        expect(summary).toMatchObject({ rows: 600, rejected: parsed.filter((p) => !p.ok).length, backlog: 0 });
        const [sum] = await clickCollections(h.db)
          .events.aggregate<{ n: number }>([{ $match: { bu } }, { $group: { _id: null, n: { $sum: '$n' } } }])
          .toArray();
        expect(sum!.n).toBe(distinct.size);
      }
      expect(await clickCollections(h.db).categories.countDocuments({ parentId: { $exists: true } })).toBeGreaterThan(
        0,
      );
    } finally {
      await h.close();
    }
  });
});
