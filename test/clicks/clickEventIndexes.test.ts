import type { Document } from '../../src/datasources/store';
import { applyFeatureIndexes } from '../../src/features';
import { clickEventQuery, type ClickEventFilter } from '../../src/services/clicks/clickEventFilter';
import { clickEventsBefore, oldestClickDay } from '../../src/services/clicks/clickExpiry';
import {
  clickCollections,
  type EmailUrlDocument,
  type SubscriberDocument,
} from '../../src/services/clicks/clickModels';
import { demoClickRows } from '../../src/services/clicks/demoClicks';
import { clickEventKey, clickEventKeyRange, type ClickDays } from '../../src/services/clicks/modelIds';
import { processClicks } from '../../src/services/clicks/processClicks';
import { ReportingCalendar } from '../../src/services/clicks/reportingDay';
import { openHarness, type Harness } from './support/harness';

const BU = 'EU';
const NOW = new Date('2026-03-20T12:00:00Z');
const demo = {
  rowsPerUnit: 600,
  sendsPerUnit: 3,
  linksPerSend: 3,
  subscribersPerUnit: 80,
  redeliveredShare: 0,
  now: NOW,
};

describe('click event keys of reporting days', () => {
  it('sort by day in every time zone, so the events of a range of days are a range of keys', () => {
    const dates = (from: string, count: number) =>
      Array.from({ length: count }, (_, i) => new Date(Date.parse(from) + i * 86_400_000).toISOString().slice(0, 10));
    // daylight-saving changes, and Samoa's skipped 30 December 2011
    const calendarDates = [...dates('2011-12-27', 8), ...dates('2026-03-26', 6), ...dates('2026-10-23', 12)];
    for (const zone of ['America/Chicago', 'Europe/Berlin', 'Asia/Kolkata', 'Pacific/Kiritimati', 'Pacific/Apia']) {
      const calendar = new ReportingCalendar(zone);
      const starts = new Map(calendarDates.map((date) => [calendar.startOf(date).getTime(), calendar.startOf(date)]));
      const days = [...starts.values()];
      const keyed = days.map((day) => ({ day, key: clickEventKey('bu', day, 's', 'u', 'p') }));
      for (const bound of days) {
        for (const op of ['$gte', '$lte', '$lt'] as const) {
          const range = clickEventKeyRange({ [op]: bound } as ClickDays);
          const byDay = keyed.filter(({ day }) =>
            op === '$gte' ? day >= bound : op === '$lte' ? day <= bound : day < bound,
          );
          const byKey = keyed.filter(
            ({ key }) => (!range.$gte || key >= range.$gte) && (!range.$lt || key < range.$lt),
          );
          expect({ zone, bound, op, days: byKey.map(({ day }) => day) }).toEqual({
            zone,
            bound,
            op,
            days: byDay.map(({ day }) => day),
          });
        }
      }
    }
  });
});

describe('the click events indexes', () => {
  let h: Harness;
  let days: Date[];

  beforeAll(async () => {
    h = await openHarness();
    for (const [unit, index] of [
      [BU, 0],
      ['NA', 1],
    ] as const) {
      const rows = demoClickRows(unit, index, demo);
      for (let at = 0; at < rows.length; at += 150) {
        const batch = rows.slice(at, at + 150).map((values, i) => ({ key: `${unit}-${at + i}`, values }));
        await processClicks(h.deps, unit, batch);
      }
    }
    days = ((await clickCollections(h.db).events.distinct('day')) as Date[]).sort((a, b) => +a - +b);
  }, 60_000);
  afterAll(() => h.close());

  it('are the _id, by subscriber, and by send, link and business unit over the _id', async () => {
    const keys = (await clickCollections(h.db).events.indexes()).map((index) => index.key);
    expect(keys).toEqual([
      { _id: 1 },
      { subscriber: 1, day: 1, send: 1, url: 1 },
      { send: 1, _id: 1 },
      { url: 1, _id: 1 },
      { bu: 1, _id: 1 },
    ]);
  });

  it('drops the indexes the _id made redundant from a store that has them', async () => {
    const events = clickCollections(h.db).events;
    await events.createIndex({ bu: 1, day: 1, send: 1, url: 1, subscriber: 1 }, { unique: true });
    await events.createIndex({ send: 1, day: 1 });
    await events.createIndex({ url: 1, day: 1 });
    await applyFeatureIndexes(h.db);
    expect(await events.indexes()).toHaveLength(5);
  });

  it('keeps one event per key: a second insert of a key is a duplicate', async () => {
    const events = clickCollections(h.db).events;
    const stored = (await events.findOne({ bu: BU }))!;
    await expect(events.insertOne({ ...stored, n: 1 })).rejects.toMatchObject({ code: 11000 });
  });

  it('matches by the _id range exactly the events of the reporting days asked for', async () => {
    const events = clickCollections(h.db).events;
    const all = await events.find({}, { projection: { _id: 1, day: 1 } }).toArray();
    const ranges = [
      { $gte: days[1]! },
      { $lte: days.at(-2)! },
      { $gte: days[1]!, $lte: days[2]! },
      { $lt: days[2]! },
      { $lt: days[3]!, $lte: days[1]! },
    ];
    for (const range of ranges) {
      const inRange = (day: Date) =>
        (!range.$gte || day >= range.$gte) &&
        (!('$lte' in range) || day <= range.$lte!) &&
        (!('$lt' in range) || day < range.$lt!);
      const expected = all.filter((event) => inRange(event.day)).map((event) => event._id);
      const found = await events.distinct('_id', { _id: clickEventKeyRange(range) });
      expect({ range, found: found.sort() }).toEqual({ range, found: expected.sort() });
      expect(expected.length).toBeGreaterThan(0);
    }
  });

  it('reads every query of the API, the figures and expiry through the index meant for it', async () => {
    const events = clickCollections(h.db).events;
    const units = await h.sfmc.businessUnits();
    const send = (await events.findOne({ bu: BU }))!.send;
    const url = (await h.db.collection<EmailUrlDocument>('email_urls').findOne({ bu: BU }))!.url;
    const subscriberKey = (await h.db.collection<SubscriberDocument>('subscribers').findOne({ bu: BU }))!.subscriberKey;
    const dayFrom = h.deps.calendar.dateOf(days[1]!);
    const dayTo = h.deps.calendar.dateOf(days.at(-2)!);
    const plan = async (filter: Document, sort?: Document) => {
      const explained = await events.find(filter, sort ? { sort } : {}).explain('executionStats');
      const winning = (explained.queryPlanner as { winningPlan: Document }).winningPlan;
      const scan = (winning.inputStage ?? winning) as { stage: string; indexName?: string };
      const { totalDocsExamined, nReturned } = explained.executionStats as Record<string, number>;
      return { index: scan.indexName ?? scan.stage, extra: totalDocsExamined - nReturned };
    };
    const query = (filter: ClickEventFilter) => clickEventQuery(filter, units, h.deps.calendar);
    const cases: [string, Document, string][] = [
      ['by send and days', query({ sendId: send, dayFrom, dayTo }), 'send_1__id_1'],
      ['by link and days', query({ url, dayFrom, dayTo }), 'url_1__id_1'],
      ['by business unit and days', query({ bu: BU, dayFrom, dayTo }), 'bu_1__id_1'],
      ['by days', query({ dayFrom, dayTo }), '_id_'],
      ['by subscriber and days', query({ subscriberKey, dayFrom, dayTo }), 'subscriber_1_day_1_send_1_url_1'],
      ['by business unit and subscriber', query({ bu: BU, subscriberKey }), 'subscriber_1_day_1_send_1_url_1'],
      ['expired', clickEventsBefore(BU, days[2]!), 'bu_1__id_1'],
    ];
    for (const [name, filter, index] of cases) {
      expect({ name, ...(await plan(filter)) }).toEqual({ name, index, extra: 0 });
    }
    expect(await plan({ bu: BU }, { _id: 1 })).toMatchObject({ index: 'bu_1__id_1' });
    expect(await oldestClickDay(h.db, BU)).toEqual(days[0]);
  });
});
