import { SlackNotifier, type NotificationDocument } from '../../src/datasources/notifier';
import { fansFeature } from '../../src/features/fans';
import { PermanentJobError } from '../../src/jobs/jobType';
import { ADMIN_STATS, type AdminStatsDoc } from '../../src/services/fans/model';
import type { FanServices } from '../../src/services/fans/services';
import { SlackStatsReporter } from '../../src/services/fans/stats/slackStats';
import { slackStatsJob } from '../../src/services/fans/stats/statsJobs';
import { FakeSlack } from '../datasources/notifier/fakeSlack';
import { waitFor } from '../jobs/support';
import { graphql } from '../support/graphql';
import { testJobContext } from '../support/jobContext';
import { startTestServer, type TestServer } from '../support/server';
import { market, seedCampaign, seedCodes, seedEntries } from './statsSeed';

/** c1's figures as seeded below: two UTC-day boundaries, every verdict kind, codes in each state. */
const c1Figures = {
  registrations: {
    total: 9,
    perMarket: [
      { key: '(none)', count: 1 },
      { key: 'lon', count: 6 },
      { key: 'par', count: 2 },
    ],
    perDay: [
      { key: '2025-03-10', count: 2 },
      { key: '2025-03-11', count: 4 },
      { key: '2025-03-12', count: 3 },
    ],
  },
  scored: 4,
  verdicts: {
    selected: 2,
    dropped: 4,
    droppedByReason: [
      { key: 'BLACKLISTED', count: 2 },
      { key: '(unspecified)', count: 1 },
      { key: 'DUPLICATE', count: 1 },
    ],
  },
  codes: { available: 3, reserved: 1, assigned: 2 },
};

describe('fan stats', () => {
  let server: TestServer;
  let services: FanServices;
  let operator: string;
  let viewer: string;

  const notifications = () =>
    server.app.db
      .collection<NotificationDocument>('notifications')
      .find({}, { sort: { at: 1, _id: 1 } })
      .toArray();
  const jobDone = (id: string) =>
    waitFor(async () => {
      const job = await server.app.jobs.get(id);
      return job && ['SUCCEEDED', 'FAILED'].includes(job.status) ? job : null;
    });

  beforeAll(async () => {
    server = await startTestServer();
    services = server.servicesOf(fansFeature);
    operator = await server.createApiKey('operator');
    viewer = await server.createApiKey('viewer');
    const { db } = server.app;
    await seedCampaign(db, 'c1', 'OPEN', [market('lon', 'London', 5), market('par', 'Paris', null)], 'Band & Co');
    await seedCampaign(db, 'c2', 'DRAFT', [market('lon', 'London', 100)]);
    await seedCampaign(db, 'c3', 'OPEN', [market('nyc', 'New York', 10)]);
    await seedEntries(db, 'c1', [
      { market: 'lon', registeredAt: '2025-03-10T23:59:59.999Z', score: 0.9, verdict: true },
      { market: 'lon', registeredAt: '2025-03-10T10:00:00Z', score: 0.5, verdict: false, verdictReason: 'BLACKLISTED' },
      { market: 'lon', registeredAt: '2025-03-11T00:00:00Z', score: 0, verdict: false, verdictReason: 'BLACKLISTED' },
      { market: 'lon', registeredAt: '2025-03-11T05:00:00Z' },
      { market: 'lon', registeredAt: '2025-03-11T06:00:00Z' },
      { market: 'lon', registeredAt: '2025-03-12T06:00:00Z', verdict: false, verdictReason: 'DUPLICATE' },
      { market: 'par', registeredAt: '2025-03-11T07:00:00Z', score: 1, verdict: true },
      { market: 'par', registeredAt: '2025-03-12T09:00:00Z', verdict: false },
      { market: null, registeredAt: '2025-03-12T08:00:00Z' },
    ]);
    await seedEntries(db, 'c2', [
      { market: 'lon', registeredAt: '2025-03-10T10:00:00Z', score: 0.3, verdict: true },
      { market: 'lon', registeredAt: '2025-03-11T10:00:00Z' },
    ]);
    await seedCodes(db, 'c1', { AVAILABLE: 3, RESERVED: 1, ASSIGNED: 2 });
    await seedCodes(db, 'c2', { AVAILABLE: 5, ASSIGNED: 1 });
  });
  afterAll(() => server.stop());

  it('the fan-stats job snapshots every OPEN campaign with exact figures', async () => {
    const job = await server.app.jobs.enqueue('fan-stats', {});
    expect((await jobDone(job._id)).status).toBe('SUCCEEDED');
    const snapshots = await server.app.db.collection<AdminStatsDoc>(ADMIN_STATS).find({}).toArray();
    expect(snapshots.map((doc) => doc.campaignId).sort()).toEqual(['c1', 'c3']);
    const c1 = snapshots.find((doc) => doc.campaignId === 'c1')!;
    expect(c1).toMatchObject({ _id: `c1:${job._id}`, ...c1Figures });
    expect(c1.at).toBeInstanceOf(Date);
    expect(snapshots.find((doc) => doc.campaignId === 'c3')).toMatchObject({
      registrations: { total: 0, perMarket: [], perDay: [] },
      scored: 0,
      verdicts: { selected: 0, dropped: 0, droppedByReason: [] },
      codes: { available: 0, reserved: 0, assigned: 0 },
    });
  });

  it('a retried run rewrites its own snapshot; each run adds one to the series', async () => {
    const stats = server.app.db.collection<AdminStatsDoc>(ADMIN_STATS);
    const before = await stats.countDocuments({ campaignId: 'c1' });
    await services.stats.snapshots.save('c1', 'run-a');
    await services.stats.snapshots.save('c1', 'run-a');
    expect(await stats.countDocuments({ campaignId: 'c1' })).toBe(before + 1);
    await services.stats.snapshots.save('c1', 'run-b');
    expect(await stats.countDocuments({ campaignId: 'c1' })).toBe(before + 2);
    expect(await services.stats.snapshots.latest('c1')).toMatchObject({ _id: 'c1:run-b', ...c1Figures });
  });

  it('slack-stats: one message per OPEN campaign: artist, markets against limits, verdicts, codes', async () => {
    const outcome = await services.stats.slack.postOpenCampaigns('slack-1');
    expect(outcome).toEqual({ posted: 2, skipped: 0, refused: [] });
    const sent = await notifications();
    expect(sent.map((doc) => doc.metadata)).toEqual([
      { kind: 'fan-stats', campaignId: 'c1', jobId: 'slack-1' },
      { kind: 'fan-stats', campaignId: 'c3', jobId: 'slack-1' },
    ]);
    const c1 = sent[0]!;
    expect(c1).toMatchObject({ engine: 'outbox', status: 'SENT' });
    expect(c1.text.split('\n')).toEqual([
      '*Band &amp; Co: Tour c1*',
      'Registrations: *9* (first report), 4 scored',
      'Markets:',
      '• London: 6 of 5 (120.0%) *over the limit*',
      '• Paris: 2 no limit',
      '• No market: 1',
      'Verdicts: 2 selected, 4 dropped (BLACKLISTED 2, (unspecified) 1, DUPLICATE 1)',
      'Codes: 3 available, 1 reserved, 2 assigned',
    ]);
    expect(c1.blocks?.[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: 'Band & Co: Tour c1' } });
    expect(sent[1]!.text).toContain('• New York: 0 of 10 (0.0%)');
  });

  it('slack-stats: the next message tells the growth since the last one, per campaign and market', async () => {
    await seedEntries(server.app.db, 'c1', [
      { market: 'lon', registeredAt: '2025-03-13T01:00:00Z' },
      { market: 'lon', registeredAt: '2025-03-13T02:00:00Z' },
      { market: 'xyz', registeredAt: '2025-03-13T03:00:00Z' },
    ]);
    const last = await services.stats.slack.lastPosted('c1');
    await services.stats.slack.postOpenCampaigns('slack-2');
    const c1 = (await notifications()).filter((doc) => doc.metadata.campaignId === 'c1').at(-1)!;
    const since = `${last!.at.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
    expect(c1.text).toContain(`Registrations: *12* (+3 since ${since}), 4 scored`);
    expect(c1.text).toContain('• London: 8 of 5 (160.0%) *over the limit* (+2)');
    expect(c1.text).toContain('• Paris: 2 no limit (+0)');
    expect(c1.text).toContain('• Unknown market xyz: 1 (+1)');
    expect(await services.stats.slack.lastPosted('c1')).toMatchObject({ jobId: 'slack-2', registrations: 12 });
  });

  it('slack-stats: a run that already posted a campaign does not post it again', async () => {
    const before = (await notifications()).length;
    expect(await services.stats.slack.postOpenCampaigns('slack-2')).toEqual({ posted: 0, skipped: 2, refused: [] });
    expect(await notifications()).toHaveLength(before);
  });

  it('GraphQL: latestStats, statsHistory and the notifications list for viewers', async () => {
    const query = `query ($id: ID!) {
      fanCampaign(id: $id) {
        latestStats { campaignId at registrations { total perMarket { key count } perDay { key count } } scored
          verdicts { selected dropped droppedByReason { key count } } codes { available reserved assigned } }
        statsHistory(first: 2) { at registrations { total } }
        all: statsHistory(from: "2000-01-01T00:00:00Z") { at }
      }
      notifications(first: 1) { totalCount pageInfo { hasNextPage } edges { node { engine status text metadata } } }
    }`;
    const { data, errors } = await graphql<any>(server.url, query, { id: 'c1' }, { key: viewer });
    expect(errors).toBeUndefined();
    const latest = data.fanCampaign.latestStats;
    expect(latest.registrations).toEqual(c1Figures.registrations);
    expect(latest.codes).toEqual(c1Figures.codes);
    expect(data.fanCampaign.statsHistory).toHaveLength(2);
    const all = data.fanCampaign.all.map((snapshot: { at: string }) => snapshot.at);
    expect(all).toEqual([...all].sort());
    expect(all.at(-1)).toBe(latest.at);
    expect(data.notifications.pageInfo.hasNextPage).toBe(true);
    expect(data.notifications.edges[0].node).toMatchObject({ engine: 'outbox', status: 'SENT' });
  });

  it('GraphQL: statsHistory refuses a page past its limit', async () => {
    const query = 'query { fanCampaign(id: "c1") { statsHistory(first: 1001) { at } } }';
    const { errors } = await graphql(server.url, query, {}, { key: viewer });
    expect(errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
  });

  it('GraphQL: refreshFanStats (operator) answers a fan-stats job that snapshots the campaign', async () => {
    const mutation = 'mutation ($id: ID!) { refreshFanStats(campaignId: $id) { id type status } }';
    const refused = await graphql(server.url, mutation, { id: 'c2' }, { key: viewer });
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const unknown = await graphql(server.url, mutation, { id: 'nope' }, { key: operator });
    expect(unknown.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');

    const { data } = await graphql<any>(server.url, mutation, { id: 'c2' }, { key: operator });
    expect(data.refreshFanStats).toMatchObject({ type: 'fan-stats' });
    expect((await jobDone(data.refreshFanStats.id)).status).toBe('SUCCEEDED');
    expect(await services.stats.snapshots.latest('c2')).toMatchObject({
      registrations: { total: 2 },
      scored: 1,
      verdicts: { selected: 1 },
      codes: { available: 5, reserved: 0, assigned: 1 },
    });
  });

  describe('through the Slack webhook engine', () => {
    let slack: FakeSlack;
    let reporter: SlackStatsReporter;

    beforeAll(async () => {
      slack = new FakeSlack();
      await slack.start();
      const notifier = new SlackNotifier({
        webhookUrl: slack.url,
        db: server.app.db,
        logger: server.app.logger,
        retry: { attempts: 2, baseDelayMs: 5, maxDelayMs: 1000, requestTimeoutMs: 5000 },
      });
      reporter = new SlackStatsReporter(server.app.db, notifier);
    });
    afterAll(() => slack.stop());

    it('a campaign Slack refuses fails the job after the others were posted', async () => {
      slack.script({ status: 400, body: 'invalid_payload' });
      const job = slackStatsJob({ slack: reporter });
      const failure = await job.perform({}, testJobContext({ jobId: 'slack-3' })).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(PermanentJobError);
      expect((failure as Error).message).toContain('c1: Slack answered HTTP 400: invalid_payload');
      expect(slack.received.map((request) => (request.body as { text: string }).text.split('\n')[0])).toEqual([
        '*Band &amp; Co: Tour c1*',
        '*The Artist: Tour c3*',
      ]);
      expect(await reporter.lastPosted('c1')).toMatchObject({ jobId: 'slack-2' });
      expect(await reporter.lastPosted('c3')).toMatchObject({ jobId: 'slack-3' });
    });

    it('a transient failure is thrown for the job to retry; the retry posts only what is missing', async () => {
      slack.received.length = 0;
      slack.script({ status: 503, body: 'service_unavailable' }, { status: 503, body: 'service_unavailable' });
      const job = slackStatsJob({ slack: reporter });
      await expect(job.perform({}, testJobContext({ jobId: 'slack-4' }))).rejects.toMatchObject({ permanent: false });
      expect(await job.perform({}, testJobContext({ jobId: 'slack-4' }))).toEqual({ posted: 2 });
      await expect(job.perform({}, testJobContext({ jobId: 'slack-4' }))).resolves.toEqual({ posted: 0 });
      expect(slack.received).toHaveLength(4);
    });
  });
});
