import { trackingFeature } from '../../src/features/tracking';
import { Loaders } from '../../src/services/loaders';
import { PERFORMANCE_ENTRIES } from '../../src/services/tracking/performanceEntry';
import { PerformanceQueries, type GroupDimension } from '../../src/services/tracking/performanceQueries';
import { PERFORMANCE_ROLLUPS } from '../../src/services/tracking/performanceRollups';
import { runTrackingSync } from '../../src/services/tracking/runTrackingSync';
import { startTestServer, type TestServer } from '../support/server';
import { countingFinds } from '../support/store';

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
    // the total and the days read the same figures: all, publications, channels
    expect(reads()).toBe(3);
    // asked again in the same request, nothing is read again
    await queries.summarize({ dateFrom }, ['DAY'], loaders);
    expect(reads()).toBe(3);
  });
});
