import { dashboardPages, type DashboardPage } from '../../bench/dashboard/pages';
import { loadConfig } from '../../src/config';
import { createSfmcPort } from '../../src/datasources/sfmc';
import { applyFeatureIndexes } from '../../src/features';
import { clicksFeature } from '../../src/features/clicks';
import { clickEventQuery, type ClickEventFilter } from '../../src/services/clicks/clickEventFilter';
import { ComputedClickStats } from '../../src/services/clicks/clickStats';
import { clickSyncStatus } from '../../src/services/clicks/clickSyncStatus';
import { demoClickRows } from '../../src/services/clicks/demoClicks';
import { runClickSync } from '../../src/services/clicks/runClickSync';
import type { ClickServices } from '../../src/services/clicks/clickServices';
import type { ClicksPageQuery } from '../../web/src/generated/graphql';
import { graphql } from '../support/graphql';
import { startTestServer, type TestServer } from '../support/server';
import { openTestStore } from '../support/store';
import { clickRow } from './support/harness';

const UNITS = ['North America', 'Europe'];
const COMPUTED_READS = ['overall', 'groups', 'topLinks'] as const;

/** The figures the page shows, in one order whatever the order of groups with equal clicks. */
function pageFigures(answer: ClicksPageQuery) {
  const byKey = <T extends { key: string }>(rows: T[]) => [...rows].sort((a, b) => (a.key < b.key ? -1 : 1));
  return {
    rangeClicks: answer.perDay.totalClicks,
    days: byKey(answer.perDay.groups.map((g) => ({ key: g.day!, clicks: g.totalClicks, clickers: g.uniqueClickers }))),
    allTimeClicks: answer.allTime.totalClicks,
    allTimeClickers: answer.allTime.uniqueClickers,
    topLinks: answer.allTime.topLinks.map((l) => ({
      key: l.url!.id,
      clicks: l.totalClicks,
      clickers: l.uniqueClickers,
    })),
    sends: byKey(
      answer.allTime.groups.map((g) => ({ key: g.send!.id, clicks: g.totalClicks, clickers: g.uniqueClickers })),
    ),
  };
}

/** The same figures aggregated from the click events themselves. */
async function fromEvents(clicks: ClickServices, range: ClickEventFilter, allTime: ClickEventFilter) {
  const units = await clicks.pipeline.sfmc.businessUnits();
  const { calendar, db } = clicks.pipeline;
  const overRange = new ComputedClickStats(db, clickEventQuery(range, units, calendar));
  const overAllTime = new ComputedClickStats(db, clickEventQuery(allTime, units, calendar));
  const everything = await overAllTime.overall();
  const byKey = <T extends { key: string }>(rows: T[]) => [...rows].sort((a, b) => (a.key < b.key ? -1 : 1));
  return {
    rangeClicks: (await overRange.overall()).totalClicks,
    days: byKey(
      (await overRange.groups(['DAY'], 120)).map((g) => ({
        key: calendar.dateOf(g.day!),
        clicks: g.totalClicks,
        clickers: g.uniqueClickers,
      })),
    ),
    allTimeClicks: everything.totalClicks,
    allTimeClickers: everything.uniqueClickers,
    topLinks: (await overAllTime.topLinks(10)).map((l) => ({
      key: l.url,
      clicks: l.totalClicks,
      clickers: l.uniqueClickers,
    })),
    sends: byKey(
      (await overAllTime.groups(['SEND'], 20)).map((g) => ({
        key: g.send!,
        clicks: g.totalClicks,
        clickers: g.uniqueClickers,
      })),
    ),
  };
}

describe('the dashboard clicks page', () => {
  let server: TestServer;
  let viewer: string;
  let clicks: ClickServices;
  let page: DashboardPage;

  beforeAll(async () => {
    server = await startTestServer();
    viewer = await server.createApiKey('viewer');
    clicks = server.servicesOf(clicksFeature);
    const now = new Date();
    for (const [index, name] of UNITS.entries()) {
      const rows = demoClickRows(name, index, {
        rowsPerUnit: 800,
        sendsPerUnit: 4,
        linksPerSend: 4,
        subscribersPerUnit: 150,
        now,
      });
      await clicks.pipeline.sfmc.appendRows!(name, rows);
      await runClickSync(clicks.pipeline, (await clicks.pipeline.sfmc.businessUnit(name))!, { concurrency: 2 });
    }
    page = dashboardPages({ campaignId: '', fanCampaignId: '', waveId: '' }, now).find((p) => p.name === 'clicks')!;
  }, 60_000);

  afterEach(() => jest.restoreAllMocks());
  afterAll(() => server?.stop());

  const ask = (variables: Record<string, unknown>) =>
    graphql<ClicksPageQuery>(server.url, page.query, variables, { key: viewer });

  it('is answered by the kept figures, equal to the events, for every business unit and for one', async () => {
    for (const bu of [null, 'Europe']) {
      const variables: Record<string, unknown> = { ...page.variables, bu };
      const reads = COMPUTED_READS.map((method) => jest.spyOn(ComputedClickStats.prototype, method));
      const answer = await ask(variables);
      expect(answer.errors).toBeUndefined();
      for (const read of reads) expect(read).not.toHaveBeenCalled();
      jest.restoreAllMocks();
      const range = { dayFrom: variables.dayFrom as string, bu };
      const expected = await fromEvents(clicks, range, { bu });
      expect(expected.rangeClicks).toBeGreaterThan(0);
      expect(expected.sends.length).toBeGreaterThan(1);
      expect(pageFigures(answer.data!)).toEqual(expected);
    }
  });

  it('answers anew, equal to the events, once a load changes the figures it remembered', async () => {
    const variables: Record<string, unknown> = { ...page.variables, bu: null };
    const before = await ask(variables);
    expect(await ask(variables)).toEqual(before);
    const name = UNITS[0]!;
    const rows = demoClickRows(name, 7, { rowsPerUnit: 200, sendsPerUnit: 2, linksPerSend: 2, subscribersPerUnit: 40 });
    await clicks.pipeline.sfmc.appendRows!(name, rows);
    await runClickSync(clicks.pipeline, (await clicks.pipeline.sfmc.businessUnit(name))!, { concurrency: 2 });
    const after = await ask(variables);
    expect(after.data!.allTime.totalClicks).toBeGreaterThan(before.data!.allTime.totalClicks);
    const expected = await fromEvents(clicks, { dayFrom: variables.dayFrom as string, bu: null }, { bu: null });
    expect(pageFigures(after.data!)).toEqual(expected);
  });

  it("would read the events for a range's distinct clickers, which it does not ask", async () => {
    const overall = jest.spyOn(ComputedClickStats.prototype, 'overall');
    const ranged = await graphql<{ clickStats: { uniqueClickers: number } }>(
      server.url,
      'query ($dayFrom: LocalDate!) { clickStats(filter: { dayFrom: $dayFrom }) { uniqueClickers } }',
      { dayFrom: page.variables.dayFrom },
      { key: viewer },
    );
    expect(ranged.data?.clickStats.uniqueClickers).toBeGreaterThan(0);
    expect(overall).toHaveBeenCalled();
  });
});

describe("the clicks page's loader status", () => {
  it('counts the backlog from the unprocessed-rows index, reading no row: reads do not grow with the rows waiting', async () => {
    const store = await openTestStore({ ledger: true });
    try {
      await applyFeatureIndexes(store.db);
      const sfmc = createSfmcPort(loadConfig({}), store.db);
      const waiting = (count: number) => Array.from({ length: count }, () => clickRow());
      /** What `read` gives and how many documents it read (point reads and range scans of the documents). */
      const documentReads = async <T>(read: () => Promise<T>) => {
        store.ledger!.take();
        const value = await read();
        const { docs } = store.ledger!.take().tables;
        return { value, reads: docs.gets + docs.ranges };
      };
      const status = () => clickSyncStatus(store.db, sfmc).then((units) => units.map((unit) => unit.backlog));
      await sfmc.appendRows!('NA', waiting(50));
      const few = await documentReads(status);
      await sfmc.appendRows!('NA', waiting(950));
      const many = await documentReads(status);
      expect(few.value).toEqual([50]);
      expect(many.value).toEqual([1000]);
      expect(many.reads).toBe(few.reads);
      const unit = (await sfmc.businessUnit('NA'))!;
      expect(await documentReads(() => sfmc.backlog(unit))).toEqual({ value: 1000, reads: 0 });
    } finally {
      await store.close();
    }
  });
});
