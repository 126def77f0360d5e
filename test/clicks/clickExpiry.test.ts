import type { Db, Document } from '../../src/datasources/store';
import type { ClickLogRow } from '../../src/datasources/sfmc/clickLogRow';
import { CLICK_HISTORY, clickHorizon, expireClickEvents } from '../../src/services/clicks/clickExpiry';
import { clickCollections, type ClickEventDocument } from '../../src/services/clicks/clickModels';
import type { Page } from '../../src/services/pagination';
import { ClickQueries } from '../../src/services/clicks/clickQueries';
import { CLICK_ROLLUPS } from '../../src/services/clicks/clickRollups';
import type { ClickGroupBy } from '../../src/services/clicks/clickStats';
import { demoClickRows } from '../../src/services/clicks/demoClicks';
import { processClicks } from '../../src/services/clicks/processClicks';
import { rebuildClickRollups } from '../../src/services/clicks/rebuildClickRollups';
import { clickRow, openHarness, type Harness } from './support/harness';

const BU = 'EU';
const NOW = new Date('2026-03-20T12:00:00Z');
const LATER = new Date('2026-03-30T12:00:00Z');
const demo = { rowsPerUnit: 1200, sendsPerUnit: 4, linksPerSend: 4, subscribersPerUnit: 120, redeliveredShare: 0 };
const batches = { size: 40, between: async () => {} };

/** Every kept figure, in one order, for comparing two stores. */
async function figures(db: Db): Promise<Record<string, Document[]>> {
  const all: Record<string, Document[]> = {};
  for (const collection of Object.values(CLICK_ROLLUPS)) {
    const docs = await db
      .collection(collection)
      .find({}, { sort: { _id: 1 } })
      .toArray();
    all[collection] = docs.map((doc) => {
      const urls = doc.urls as Record<string, Document> | undefined;
      return urls
        ? { ...doc, urls: Object.fromEntries(Object.entries(urls).sort(([a], [b]) => (a < b ? -1 : 1))) }
        : doc;
    });
  }
  return all;
}

async function process(h: Harness, rows: ClickLogRow[], prefix: string) {
  for (let at = 0; at < rows.length; at += 150) {
    const batch = rows.slice(at, at + 150).map((values, i) => ({ key: `${prefix}-${at + i}`, values }));
    await processClicks(h.deps, BU, batch);
  }
}

/** What the dashboards read of the kept figures. */
async function dashboard(h: Harness) {
  const queries = new ClickQueries(h.deps);
  const read = async (groupBy: ClickGroupBy[]) => {
    const answer = await queries.stats({ bu: BU }, groupBy, { groupLimit: 1000, topLinks: 100 });
    return {
      totalClicks: await answer.totalClicks(),
      uniqueClickers: await answer.uniqueClickers(),
      groups: await answer.groups(),
      topLinks: await answer.topLinks(),
    };
  };
  return { perDay: await read(['DAY']), perSend: await read(['SEND']), perLink: await read(['SEND', 'URL']) };
}

describe('expiry of aggregated click events', () => {
  // `kept` never expires anything; `expiring` expires the older half of the days: both then
  // take the same later clicks, from the same subscribers on the same sends and links.
  let kept: Harness;
  let expiring: Harness;
  let horizon: Date;

  beforeAll(async () => {
    [kept, expiring] = await Promise.all([openHarness(), openHarness()]);
    const first = demoClickRows(BU, 0, { ...demo, now: NOW });
    await process(kept, first, 'first');
    await process(expiring, first, 'first');
    const days = (await clickCollections(expiring.db).events.distinct('day'))
      .map((d) => d as Date)
      .sort((a, b) => +a - +b);
    horizon = days[Math.floor(days.length / 2)]!;
  }, 60_000);
  afterAll(async () => {
    await kept.close();
    await expiring.close();
  });

  it('deletes the events before the horizon and changes no figure', async () => {
    const before = await figures(expiring.db);
    const shown = await dashboard(expiring);
    const old = await clickCollections(expiring.db).events.countDocuments({ day: { $lt: horizon } });
    expect(old).toBeGreaterThan(0);
    expect(await expireClickEvents(expiring.db, BU, horizon, batches)).toBe(old);
    expect(await clickCollections(expiring.db).events.countDocuments({ day: { $lt: horizon } })).toBe(0);
    expect(await expiring.db.collection(CLICK_HISTORY).countDocuments({})).toBeGreaterThan(0);
    expect(await clickHorizon(expiring.db, BU)).toEqual(horizon);
    expect(await figures(expiring.db)).toEqual(before);
    expect(await dashboard(expiring)).toEqual(shown);
    // A second expiry finds nothing more.
    expect(await expireClickEvents(expiring.db, BU, horizon, batches)).toBe(0);
    expect(await figures(expiring.db)).toEqual(before);
  });

  it('counts later clicks of subscribers who clicked before the horizon as the full events would', async () => {
    const later = demoClickRows(BU, 0, { ...demo, now: LATER });
    await process(kept, later, 'later');
    await process(expiring, later, 'later');
    expect(await figures(expiring.db)).toEqual(await figures(kept.db));
    expect(await dashboard(expiring)).toEqual(await dashboard(kept));
  });

  it('rebuilds the figures after expiry as they were kept, the days before the horizon included', async () => {
    const expected = await figures(kept.db);
    await expiring.db.collection(CLICK_ROLLUPS.sends).deleteMany({});
    await expiring.db.collection(CLICK_ROLLUPS.days).updateMany({ day: { $gte: horizon } }, { $inc: { clicks: 7 } });
    await rebuildClickRollups(expiring.db, expiring.deps.unitWriters, BU);
    expect(await figures(expiring.db)).toEqual(expected);
    await rebuildClickRollups(kept.db, kept.deps.unitWriters, BU);
    expect(await figures(kept.db)).toEqual(expected);
  });

  it('rejects rows of an expired day, whose redelivery could not be recognized', async () => {
    const expected = await figures(expiring.db);
    const date = new Date(horizon.getTime() - 86_400_000 + 15 * 3_600_000);
    const eventDate = `${date.getUTCMonth() + 1}/${date.getUTCDate()}/${date.getUTCFullYear()} 10:00:00 AM`;
    const result = await processClicks(expiring.deps, BU, [
      { key: 'late', values: clickRow({ EventDate: eventDate }) },
    ]);
    expect(result).toMatchObject({ clicks: 0, rejected: 1 });
    expect(await clickCollections(expiring.db).rejects.findOne({ key: 'late' })).toMatchObject({
      reason: 'DAY_EXPIRED',
    });
    expect(await figures(expiring.db)).toEqual(expected);
  });

  it('computes from the events only figures of days still kept', async () => {
    const queries = new ClickQueries(expiring.deps);
    const url = 'https://www.example.com/eu/send-0/link-0?utm_source=sfmc';
    const everyDay = await queries.stats({ bu: BU, url }, [], { topLinks: 0 });
    await expect(everyDay.totalClicks()).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    const dayFrom = expiring.deps.calendar.dateOf(horizon);
    const retained = { bu: BU, url, dayFrom };
    const [answer, reference] = [
      await queries.stats(retained, ['SUBSCRIBER'], {}),
      await new ClickQueries(kept.deps).stats(retained, ['SUBSCRIBER'], {}),
    ];
    expect(await answer.totalClicks()).toBe(await reference.totalClicks());
    expect(await answer.groups()).toEqual(await reference.groups());
  });
});

describe('the clickEvents page', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await openHarness();
    await process(h, demoClickRows(BU, 0, { ...demo, rowsPerUnit: 400, now: NOW }), 'page');
    await process(h, demoClickRows('NA', 1, { ...demo, rowsPerUnit: 200, now: NOW }), 'other');
  }, 60_000);
  afterAll(() => h.close());

  const everyPage = async (filter: Parameters<ClickQueries['events']>[0], first: number) => {
    const queries = new ClickQueries(h.deps);
    const ids: string[] = [];
    let after: string | null = null;
    let total: number;
    for (;;) {
      const page: Page<ClickEventDocument> = await queries.events(filter, { first, after }, (doc) => doc);
      total = page.totalCount;
      ids.push(...page.edges.map((edge) => edge.node._id));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    return { ids, total };
  };

  it('pages every filter latest day first, by a cursor, each event once', async () => {
    const events = clickCollections(h.db).events;
    const sends = (await events.distinct('send', { bu: BU })) as string[];
    const all = await events.find({}).toArray();
    const days = [...new Set(all.map((e) => e.day.getTime()))].sort((a, b) => a - b);
    const dayFrom = h.deps.calendar.dateOf(new Date(days[1]!));
    const dayTo = h.deps.calendar.dateOf(new Date(days.at(-2)!));
    const filters = [{}, { bu: BU }, { sendId: sends[0] }, { bu: BU, dayFrom, dayTo }, { dayFrom }, { dayTo }];
    for (const filter of filters) {
      const { ids, total } = await everyPage(filter, 7);
      const matching = all.filter(
        (e) =>
          (!('bu' in filter) || e.bu === filter.bu) &&
          (!('sendId' in filter) || e.send === filter.sendId) &&
          (!('dayFrom' in filter) || h.deps.calendar.dateOf(e.day) >= filter.dayFrom!) &&
          (!('dayTo' in filter) || h.deps.calendar.dateOf(e.day) <= filter.dayTo!),
      );
      expect({ filter, total }).toEqual({ filter, total: matching.length });
      expect(ids).toEqual(matching.map((e) => e._id).sort((a, b) => (a < b ? 1 : -1)));
      const dayOf = new Map(all.map((e) => [e._id, e.day.getTime()]));
      const shown = ids.map((id) => dayOf.get(id)!);
      expect(shown).toEqual([...shown].sort((a, b) => b - a));
    }
  });

  it('reads no more events than the page holds', async () => {
    const events = clickCollections(h.db).events;
    const sends = (await events.distinct('send', { bu: BU })) as string[];
    const queries = new ClickQueries(h.deps);
    const first = await queries.events({ bu: BU }, { first: 5 }, (doc) => doc);
    const examined = async (filter: Document) => {
      const plan = await events.find(filter, { sort: { _id: -1 }, limit: 6 }).explain('executionStats');
      return (plan.executionStats as { totalDocsExamined: number }).totalDocsExamined;
    };
    const cursorId = first.edges.at(-1)!.node._id;
    expect(await examined({ bu: BU, _id: { $lt: cursorId } })).toBeLessThanOrEqual(6);
    expect(await examined({ send: sends[0], _id: { $lt: cursorId } })).toBeLessThanOrEqual(6);
    expect(await examined({})).toBeLessThanOrEqual(6);
  });

  it('refuses a cursor it did not give', async () => {
    const queries = new ClickQueries(h.deps);
    await expect(queries.events({}, { after: 'nonsense' }, (doc) => doc)).rejects.toMatchObject({
      extensions: { code: 'BAD_USER_INPUT' },
    });
  });
});
