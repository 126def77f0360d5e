import { trackingFeature } from '../../src/features/tracking';
import { Loaders } from '../../src/services/loaders';
import { PERFORMANCE_ENTRIES } from '../../src/services/tracking/performanceEntry';
import { PerformanceQueries, type GroupDimension } from '../../src/services/tracking/performanceQueries';
import { PERFORMANCE_ROLLUPS } from '../../src/services/tracking/performanceRollups';
import { runTrackingSync } from '../../src/services/tracking/runTrackingSync';
import { startTestServer, type TestServer } from '../support/server';
import { countingFinds } from '../support/store';

const day = (at: Date) => at.toISOString().slice(0, 10);

describe("one request's performance summaries", () => {
  let server: TestServer;
  let dateFrom: Date;

  beforeAll(async () => {
    server = await startTestServer();
    await server.demo(trackingFeature);
    await runTrackingSync(server.servicesOf(trackingFeature).sync, { days: 7 });
    const starts = (await server.app.db.collection(PERFORMANCE_ENTRIES).distinct('dateStart')) as Date[];
    dateFrom = starts.sort((a, b) => a.getTime() - b.getTime())[1]!;
  }, 60_000);
  afterAll(() => server.stop());

  // the tracking page: its total, by day, by publication and by channel
  const page: GroupDimension[][] = [[], ['DAY'], ['PUBLICATION'], ['CHANNEL']];

  it('read each set of figures once and answer as summaries read alone', async () => {
    const alone = new PerformanceQueries(server.app.db);
    const expected = await Promise.all(page.map((groupBy) => alone.summarize({ dateFrom }, groupBy)));
    const { db, finds: reads } = countingFinds(server.app.db, PERFORMANCE_ROLLUPS);
    const queries = new PerformanceQueries(db);
    const loaders = new Loaders(db);
    const answered = await Promise.all(page.map((groupBy) => queries.summarize({ dateFrom }, groupBy, loaders)));
    expect(answered).toEqual(expected);
    expect(answered[1]!.length).toBeGreaterThan(1);
    // the total, the days, the publications and the channels read the same starts' documents
    expect(reads()).toBe(1);
    // asked again in the same request, nothing is read again
    await queries.summarize({ dateFrom }, ['DAY'], loaders);
    expect(reads()).toBe(1);
  });

  it('answer again without reading until the figures change, then as the entries give them', async () => {
    const { db, finds: reads } = countingFinds(server.app.db, PERFORMANCE_ROLLUPS);
    const queries = new PerformanceQueries(db, server.app.store.changeClock);
    const ask = () => {
      const loaders = new Loaders(db);
      return Promise.all(page.map((groupBy) => queries.summarize({ dateFrom }, groupBy, loaders)));
    };
    const first = await ask();
    expect(reads()).toBe(1);
    expect(await ask()).toEqual(first);
    expect(reads()).toBe(1);

    // an entry changed directly counts once rebuilt; the next sync of its day writes it back
    const tracking = server.servicesOf(trackingFeature);
    const entries = server.app.db.collection(PERFORMANCE_ENTRIES);
    const [entry] = await entries.find({ dateStart: dateFrom, source: 'automated' }, { limit: 1 }).toArray();
    await entries.updateOne({ _id: entry!._id }, { $inc: { 'metrics.impressions': 1000, 'metrics.clicks': 50 } });
    await tracking.rollups.rebuild();
    const computed = () => Promise.all(page.map((groupBy) => queries.computeSummary({ dateFrom }, groupBy)));
    const rebuilt = await ask();
    expect(reads()).toBe(2);
    expect(rebuilt).toEqual(await computed());
    expect(rebuilt).not.toEqual(first);

    await runTrackingSync(tracking.sync, { days: 1, date: day(dateFrom) });
    const synced = await ask();
    expect(reads()).toBe(3);
    expect(synced).toEqual(await computed());
    expect(synced).toEqual(first);
  });
});
