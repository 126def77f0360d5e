import type { Db, Document } from '../../src/datasources/store';
import { clickEventQuery } from '../../src/services/clicks/clickEventFilter';
import { clickCollections, MAX_GUIDS_PER_EVENT } from '../../src/services/clicks/clickModels';
import { ClickModelReads } from '../../src/services/clicks/clickModelReads';
import { ClickQueries } from '../../src/services/clicks/clickQueries';
import { CLICK_ROLLUPS } from '../../src/services/clicks/clickRollups';
import { ComputedClickStats, type ClickGroup, type ClickGroupBy } from '../../src/services/clicks/clickStats';
import type { ClickEventFilter } from '../../src/services/clicks/clickEventFilter';
import { demoClickRows } from '../../src/services/clicks/demoClicks';
import { KeptClickStats } from '../../src/services/clicks/keptClickStats';
import { processClicks } from '../../src/services/clicks/processClicks';
import { rebuildClickRollups } from '../../src/services/clicks/rebuildClickRollups';
import { runClickSync } from '../../src/services/clicks/runClickSync';
import { clickRow, openHarness, type Harness } from './support/harness';

const UNITS = ['North America', 'Europe'];
const NOW = new Date('2026-03-20T12:00:00Z');
const limits = { groupLimit: 1000, topLinks: 100 };

/** Groups in one order whatever the order of their fields and of groups with equal clicks. */
const canonical = (groups: ClickGroup[]) =>
  groups
    .map((g) => {
      const fields = Object.entries({ ...g, day: g.day?.toISOString() }).filter(([, value]) => value !== undefined);
      return JSON.stringify(Object.fromEntries(fields.sort(([a], [b]) => (a < b ? -1 : 1))));
    })
    .sort()
    .map((text) => JSON.parse(text) as unknown);

/** What the API answers from the kept figures (or the events where they do not say), beside the events' own answer. */
async function bothWays(h: Harness, filter: ClickEventFilter, groupBy: ClickGroupBy[]) {
  const queries = new ClickQueries(h.deps);
  const answer = await queries.stats(filter, groupBy, limits);
  const units = await h.sfmc.businessUnits();
  const computed = new ComputedClickStats(h.db, clickEventQuery(filter, units, h.deps.calendar));
  const overall = await computed.overall();
  return {
    kept: {
      totalClicks: await answer.totalClicks(),
      uniqueClickers: await answer.uniqueClickers(),
      groups: canonical(await answer.groups()),
      topLinks: await answer.topLinks(),
    },
    computed: {
      ...overall,
      groups: canonical(await computed.groups(groupBy, limits.groupLimit)),
      topLinks: await computed.topLinks(limits.topLinks),
    },
  };
}

/** Every kept figure, without the fields only an insert sets, for comparing two states. */
async function figures(db: Db): Promise<Record<string, Document[]>> {
  const all: Record<string, Document[]> = {};
  for (const collection of Object.values(CLICK_ROLLUPS)) {
    const docs = await db
      .collection(collection)
      .find({}, { sort: { _id: 1 } })
      .toArray();
    all[collection] = docs.map((doc) => {
      const urls = doc.urls
        ? Object.fromEntries(Object.entries(doc.urls as Record<string, Document>).sort(([a], [b]) => (a < b ? -1 : 1)))
        : undefined;
      return { ...doc, ...(urls ? { urls } : {}) };
    });
  }
  return all;
}

async function someDaysAndSends(db: Db) {
  const events = await clickCollections(db)
    .events.find({}, { projection: { day: 1, send: 1, bu: 1 } })
    .toArray();
  const days = [...new Set(events.map((e) => e.day.getTime()))].sort().map((t) => new Date(t));
  const sends = [...new Set(events.map((e) => e.send))].sort();
  return { days, sends, bu: events[0]!.bu };
}

describe('click figures kept beside the click events', () => {
  let h: Harness;
  const dateOf = (day: Date) => h.deps.calendar.dateOf(day);

  beforeAll(async () => {
    h = await openHarness({ pageSize: 300, batchSize: 120 });
    for (const [index, unit] of UNITS.entries()) {
      const rows = demoClickRows(unit, index, {
        rowsPerUnit: 1500,
        sendsPerUnit: 4,
        linksPerSend: 5,
        subscribersPerUnit: 200,
        redeliveredShare: 0.1,
        now: NOW,
      });
      await h.sfmc.appendRows!(unit, rows);
      const bu = (await h.sfmc.businessUnit(unit))!;
      await runClickSync(h.deps, bu, { concurrency: 2 });
    }
  }, 60_000);
  afterAll(() => h.close());

  const groupings: ClickGroupBy[][] = [
    [],
    ['DAY'],
    ['SEND'],
    ['URL'],
    ['BU'],
    ['DAY', 'SEND'],
    ['SEND', 'URL'],
    ['DAY', 'SEND', 'URL'],
    ['BU', 'DAY'],
    ['DAY', 'URL'],
    ['SUBSCRIBER'],
  ];

  it('equal the counts of the events for every filter and grouping after a sync', async () => {
    const { days, sends, bu } = await someDaysAndSends(h.db);
    const oneDay = dateOf(days[Math.floor(days.length / 2)]!);
    const filters: ClickEventFilter[] = [
      {},
      { bu },
      { sendId: sends[0] },
      { bu, sendId: sends[1] },
      { dayFrom: oneDay, dayTo: oneDay },
      { bu, dayFrom: dateOf(days[1]!), dayTo: dateOf(days[days.length - 2]!) },
      { sendId: sends[0], dayFrom: oneDay, dayTo: oneDay },
      { sendId: sends[2], dayFrom: dateOf(days[0]!) },
      { url: 'https://www.example.com/europe/send-1/link-0?utm_source=sfmc' },
    ];
    for (const filter of filters) {
      for (const groupBy of groupings) {
        const { kept, computed } = await bothWays(h, filter, groupBy);
        expect({ filter, groupBy, ...kept }).toEqual({ filter, groupBy, ...computed });
      }
    }
  });

  it('answer the dashboard groupings from the figures alone', async () => {
    const { days, sends } = await someDaysAndSends(h.db);
    const all = new KeptClickStats(h.db, {});
    const range = new KeptClickStats(h.db, { from: days[0], to: days.at(-1) });
    const oneSend = new KeptClickStats(h.db, { send: sends[0] });
    for (const groupBy of [['DAY'], ['SEND'], ['URL'], ['BU'], ['DAY', 'SEND'], ['SEND', 'URL']] as ClickGroupBy[][]) {
      expect(await all.groups(groupBy, 100)).not.toBeNull();
    }
    expect(await all.uniqueClickers()).not.toBeNull();
    expect(await all.topLinks(10)).not.toBeNull();
    expect(await range.groups(['DAY'], 100)).not.toBeNull();
    expect(await oneSend.groups(['URL'], 100)).not.toBeNull();
    expect(await oneSend.uniqueClickers()).not.toBeNull();
  });

  it("give each send's totals and links as the events do", async () => {
    const { sends } = await someDaysAndSends(h.db);
    const models = new ClickModelReads(h.db);
    const [totals, links] = await Promise.all([models.sendTotals(sends), models.sendLinks(sends)]);
    for (const [i, send] of sends.entries()) {
      const computed = new ComputedClickStats(h.db, { send });
      expect(totals[i]).toEqual(await computed.overall());
      const byUrl = await computed.topLinks(100);
      expect([...links[i]!].sort((a, b) => (a.url < b.url ? -1 : 1))).toEqual(
        [...byUrl].sort((a, b) => (a.url < b.url ? -1 : 1)),
      );
    }
  });

  it('do not change when rows are delivered again', async () => {
    const before = await figures(h.db);
    const unit = UNITS[0]!;
    const again = demoClickRows(unit, 0, {
      rowsPerUnit: 1500,
      sendsPerUnit: 4,
      linksPerSend: 5,
      subscribersPerUnit: 200,
      redeliveredShare: 0.1,
      now: NOW,
    });
    await h.sfmc.appendRows!(unit, again.slice(0, 600));
    await runClickSync(h.deps, (await h.sfmc.businessUnit(unit))!, { concurrency: 2 });
    expect(await figures(h.db)).toEqual(before);
  });

  it('stay exact when batches of one unit with the same subscribers are processed at once', async () => {
    const batch = (from: number) =>
      Array.from({ length: 40 }, (_, i) => ({
        key: `race-${from + i}`,
        values: clickRow({
          EventID: `race-${from + i}`,
          JobID: String(7000 + (i % 3)),
          SubscriberKey: `racer-${i % 7}`,
          URL: `https://e.com/race/${i % 4}`,
          EventDate: `3/${10 + (i % 2)}/2026 10:00:00 AM`,
        }),
      }));
    await Promise.all([processClicks(h.deps, 'NA', batch(0)), processClicks(h.deps, 'NA', batch(20))]);
    for (const groupBy of [['DAY'], ['SEND'], ['URL'], ['SEND', 'URL']] as ClickGroupBy[][]) {
      const { kept, computed } = await bothWays(h, { bu: 'NA' }, groupBy);
      expect(kept).toEqual(computed);
    }
  });

  it('count a key past 5,000 distinct event ids exactly', async () => {
    const rows = Array.from({ length: MAX_GUIDS_PER_EVENT + 25 }, (_, i) => ({
      key: `big-${i}`,
      values: clickRow({ EventID: `big-${i}`, JobID: '8100', SubscriberKey: 'bot', URL: 'https://e.com/bot' }),
    }));
    await processClicks(h.deps, 'BOT', rows.slice(0, MAX_GUIDS_PER_EVENT - 10));
    await processClicks(h.deps, 'BOT', rows.slice(MAX_GUIDS_PER_EVENT - 20));
    const { kept, computed } = await bothWays(h, { bu: 'BOT' }, ['SEND']);
    expect(kept).toEqual(computed);
    expect(kept.totalClicks).toBe(MAX_GUIDS_PER_EVENT + 25);
  });

  it('are recomputed from the events by the rebuild, equal to what the writes kept', async () => {
    const kept = await figures(h.db);
    await h.db.collection(CLICK_ROLLUPS.days).updateMany({}, { $inc: { clicks: 5, clickers: 1 } });
    await h.db.collection(CLICK_ROLLUPS.urls).deleteMany({});
    for (const bu of [...UNITS, 'NA', 'BOT']) await rebuildClickRollups(h.db, h.deps.unitWriters, bu);
    expect(await figures(h.db)).toEqual(kept);
  });
});
