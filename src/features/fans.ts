import type { App } from '../app';
import { FanCampaignResolver } from '../resolvers/fans/campaign.resolver';
import { FanCampaignMarketResolver } from '../resolvers/fans/campaignMarket.resolver';
import { FanEntryResolver } from '../resolvers/fans/entry.resolver';
import { FanIngestResolver } from '../resolvers/fans/ingest.resolver';
import { mountFanIngestRoute } from '../resolvers/fans/ingestRoute';
import { NotificationsResolver } from '../resolvers/fans/notifications.resolver';
import { FanStatsResolver } from '../resolvers/fans/stats.resolver';
import { LakeResolver } from '../resolvers/fans/lake.resolver';
import { CampaignDirectory } from '../services/fans/campaignDirectory';
import { FanCampaigns } from '../services/fans/campaigns/fanCampaigns';
import { FanEntries } from '../services/fans/entries/fanEntries';
import { FanMarketCounts } from '../services/fans/entries/marketCounts';
import { FanIngest } from '../services/fans/ingest/fanIngest';
import { ensureIngestQueue, fanIngestConsumer } from '../services/fans/ingest/ingestQueue';
import { createFanIngestMetrics } from '../services/fans/ingest/metrics';
import { FanRegistrations } from '../services/fans/ingest/registrations';
import { FanLakeWriter } from '../services/fans/lake/writer';
import { LAKE_COMMAND, runLakeCommand } from '../services/fans/lake/lakeCommand';
import { FANS_COMMAND, runFansCommand } from '../services/fans/import/importCommand';
import { avroMergeJob, avroMergeMoveJob } from '../services/fans/lake/lakeMerge.job';
import { lakeServices } from '../services/fans/lake/lakeServices';
import { fanIndexes } from '../services/fans/indexes';
import type { FanServices } from '../services/fans/services';
import { fanStatsJob, slackStatsJob } from '../services/fans/stats/statsJobs';
import { statsServices } from '../services/fans/stats/statsServices';
import { scoringServices } from '../services/fans/scoring/scoringServices';
import { runScoringCommand, SCORING_COMMAND } from '../services/fans/scoring/scoringCommand';
import { BlacklistResolver } from '../resolvers/fans/blacklist.resolver';
import { ScoringResolver } from '../resolvers/fans/scoring.resolver';
import { resolvePrincipal } from '../auth/principal';
import { CodePoolResolver } from '../resolvers/fans/codes.resolver';
import { CODES_COMMAND, runCodesCommand } from '../services/fans/codes/codesCommand';
import { codeServices } from '../services/fans/codes/codeServices';
import { writeFanDemo } from '../services/fans/demo';
import { defineFeature, rememberedReads } from './feature';

function fanServices(app: App): FanServices {
  const directory = new CampaignDirectory(app.db);
  const entries = new FanEntries(app.db);
  const remembered = rememberedReads(app);
  const marketCounts = new FanMarketCounts(app.db, remembered);
  const ingestMetrics = createFanIngestMetrics(app.metrics);
  const lake = new FanLakeWriter({
    db: app.db,
    objects: app.ports.objects,
    logger: app.logger.child({ feature: 'fans', part: 'lake' }),
    metrics: ingestMetrics,
    flushRecords: app.config.FAN_LAKE_FLUSH_RECORDS,
    flushSeconds: app.config.FAN_LAKE_FLUSH_SECONDS,
  });
  const registrations = new FanRegistrations({ db: app.db, directory, lake, marketCounts });
  const codes = codeServices({ ...app, ...app.ports, directory, lake, remembered });
  const scoring = scoringServices({
    ...app,
    objects: app.ports.objects,
    notifier: app.ports.notifier,
    lake,
    directory,
  });
  return {
    ...scoring,
    ...codes,
    directory,
    entries,
    marketCounts,
    campaigns: new FanCampaigns({ db: app.db, directory, entries, remembered }),
    stats: statsServices({ db: app.db, notifier: app.ports.notifier, jobs: app.jobs, remembered }),
    lake,
    registrations,
    ingest: new FanIngest({
      handlers: {
        registration: (records) => registrations.handle(records),
        scoring: (records) => scoring.scoring.handle(records),
        codeAssignment: (records) => codes.assignment.handle(records),
      },
      metrics: ingestMetrics,
    }),
    ...lakeServices({ ...app, objects: app.ports.objects }),
  };
}

/**
 * Verified Fan campaigns (seed 004, part 1): registrations, the Avro lake and its merges, scored
 * files, fanlist ranks, code pools and code assignment, stats for admins and Slack.
 */
export const fansFeature = defineFeature({
  name: 'fans',
  services: fanServices,
  indexes: fanIndexes,
  resolvers: [
    FanCampaignResolver,
    FanCampaignMarketResolver,
    FanEntryResolver,
    FanIngestResolver,
    FanStatsResolver,
    NotificationsResolver,
    LakeResolver,
    BlacklistResolver,
    ScoringResolver,
    CodePoolResolver,
  ],
  jobTypes: (_app, services) => [
    fanStatsJob(services.stats),
    slackStatsJob(services.stats),
    avroMergeJob(services.lakeMerge),
    avroMergeMoveJob(services.lakeMerge),
    ...services.scoring.jobTypes(),
    ...services.codes.jobTypes(),
  ],
  schedules: [
    {
      name: 'FAN_STATS',
      cron: '*/5 * * * *',
      jobType: 'fan-stats',
      description: 'Admin stats of open fan campaigns (seed 004 saveStats: every 5 minutes)',
    },
    {
      name: 'SLACK_STATS',
      cron: '*/30 * * * *',
      jobType: 'slack-stats',
      description: 'Open-campaign stats posted to Slack (seed 004 slackStats: every 30 minutes)',
    },
    {
      name: 'AVRO_MERGE_DAILY',
      cron: '0 10 * * *',
      jobType: 'avro-merge',
      params: { type: 'daily' },
      description:
        "Merges the day before's Avro files of FAN_LAKE_MERGE_TYPES (seed 004 mergeAvroFiles: daily 10:00 UTC)",
    },
    {
      name: 'AVRO_MERGE_MONTHLY',
      cron: '0 9 2 * *',
      jobType: 'avro-merge',
      params: { type: 'monthly' },
      description:
        "Merges the month before's Avro files of FAN_LAKE_MERGE_TYPES (seed 004 mergeAvroFiles: day 2, 09:00 UTC)",
    },
  ],
  routes(router, app, services) {
    mountFanIngestRoute(router, {
      ingest: services.ingest,
      authenticate: (authorization) => resolvePrincipal(app.apiKeys, authorization, { allowAnonymousViewer: false }),
      maxBytes: app.config.FAN_INGEST_MAX_BYTES,
      logger: app.logger,
    });
  },
  async start(app, services) {
    const recounted = await services.marketCounts.recountMissing();
    if (recounted > 0)
      app.logger.info({ feature: 'fans', campaigns: recounted }, 'market counts built from the entries');
    const pools = await services.codeCounts.recountMissing();
    if (pools > 0) app.logger.info({ feature: 'fans', pools }, 'code pool counts built from the codes');
    await ensureIngestQueue(app.ports.queue, app.config.FAN_INGEST_QUEUE);
    await services.lake.start();
    await services.assignment.start();
    if (app.config.JOB_WORKERS) {
      const logger = app.logger.child({ feature: 'fans', queue: app.config.FAN_INGEST_QUEUE });
      app.jobs.consume(app.config.FAN_INGEST_QUEUE, fanIngestConsumer(services.ingest, logger));
    }
    services.scoring.poll.start();
  },
  async stop(_app, services) {
    await services.scoring.poll.stop();
    await services.lake.stop();
  },
  rebuildStats: async (_app, { marketCounts, codeCounts }) => ({
    campaigns: await marketCounts.rebuild(),
    codePools: await codeCounts.rebuild(),
  }),
  demo: (app, services) => writeFanDemo(services, app.config.DEMO_FAN_REGISTRATIONS, app.logger),
  commands: {
    lake: {
      ...LAKE_COMMAND,
      run: (_app, flags, positional, services, out) => runLakeCommand(services.lakeMerge, flags, positional, out),
    },
    codes: {
      ...CODES_COMMAND,
      run: (app, flags, positional, services, out) =>
        runCodesCommand({ codes: services.codes, jobs: app.jobs }, flags, positional, out),
    },
    fans: {
      ...FANS_COMMAND,
      run: (app, flags, positional, { marketCounts, codeCounts }, out) =>
        runFansCommand({ db: app.db, objects: app.ports.objects, marketCounts, codeCounts }, flags, positional, out),
    },
    scoring: {
      ...SCORING_COMMAND,
      run: (app, flags, positional, services, out) =>
        runScoringCommand({ scoring: services.scoring, jobs: app.jobs }, flags, positional, out),
    },
  },
});
