import type { App } from '../app';
import { badInput } from '../errors';
import { ClickEventResolver } from '../resolvers/clicks/clickEvent.resolver';
import { ClickStatsGroupResolver, ClickStatsResolver } from '../resolvers/clicks/clickStats.resolver';
import { ClickSyncResolver } from '../resolvers/clicks/clickSync.resolver';
import { CategoryResolver, EmailSendResolver, LinkClicksResolver } from '../resolvers/clicks/emailSend.resolver';
import { createClickMetrics } from '../services/clicks/clickMetrics';
import { ClickModelReads } from '../services/clicks/clickModelReads';
import { QUEUE_PROCESSED, QUEUE_TO_PROCESS } from '../services/clicks/clickModels';
import { ClickQueries } from '../services/clicks/clickQueries';
import type { ClickServices } from '../services/clicks/clickServices';
import { CLICKS_LOAD, clicksLoadJob } from '../services/clicks/clicksLoad.job';
import { clickAcknowledger, clickProcessor, ensureClickQueues } from '../services/clicks/clickWorkers';
import { fillDemoClicks } from '../services/clicks/demoClicks';
import { importClicks } from '../services/clicks/importClicks';
import { clickIndexes, retiredClickIndexes } from '../services/clicks/indexes';
import { createClickPipeline } from '../services/clicks/pipeline';
import { requestClickSync } from '../services/clicks/requestClickSync';
import { runClickSync } from '../services/clicks/runClickSync';
import { clickUnits, rebuildClickRollups } from '../services/clicks/rebuildClickRollups';
import { checkFlags } from './commandLine';
import { defineFeature, type CliCommand, type CommandOutput } from './feature';

const print = (out: CommandOutput, value: unknown) => out.write(`${JSON.stringify(value, null, 2)}\n`);

/**
 * The click pipeline of one app, with the reads and requests the API makes of it. A
 * REPORTING_TIME_ZONE the platform does not know fails here, when the app is composed.
 */
function clickServices(app: App): ClickServices {
  const pipeline = createClickPipeline({
    db: app.db,
    sfmc: app.ports.sfmc,
    queue: app.ports.queue,
    logger: app.logger.child({ feature: 'clicks' }),
    timeZone: app.config.REPORTING_TIME_ZONE,
    pageSize: app.config.CLICKS_PAGE_SIZE,
    batchSize: app.config.CLICKS_BATCH_SIZE,
    ackBatchSize: app.config.CLICKS_ACK_BATCH_SIZE,
    writeRows: app.config.CLICKS_WRITE_ROWS,
    liveWriteRows: app.config.CLICKS_LIVE_WRITE_ROWS,
    lookbackMinutes: app.config.CLICKS_LOOKBACK_MINUTES,
    leaseSeconds: app.config.CLICKS_LOAD_LEASE_SECONDS,
    visibilitySeconds: app.config.CLICKS_VISIBILITY_SECONDS,
    metrics: createClickMetrics(app.metrics),
  });
  const syncRequests = { sfmc: pipeline.sfmc, jobs: app.jobs, logger: pipeline.logger };
  return {
    pipeline,
    // on MongoDB the figures' change streams would carry one event per figure a load changes
    queries: new ClickQueries({
      ...pipeline,
      changes: app.store.engine === 'embedded' ? app.store.changeClock : undefined,
    }),
    models: new ClickModelReads(app.db, app.store.changeClock),
    requestSync: (bu, since, requestedBy) => requestClickSync(syncRequests, bu, since, requestedBy),
  };
}

const commands: Record<string, CliCommand<ClickServices>> = {
  'import-clicks': {
    description: "Appends a CSV of click-log rows (headers = columns) to a business unit's local data extension",
    usage: 'import-clicks --bu NAME --file rows.csv',
    fileFlags: ['file'],
    async run(_app, flags, _positional, clicks, out) {
      const { bu, file } = checkFlags(flags, { required: ['bu', 'file'] });
      print(out, await importClicks(clicks.pipeline.sfmc, bu!, file!));
    },
  },
  'sync-clicks': {
    description:
      'Runs loader, processor and acknowledger for a business unit until its backlog is empty; prints a JSON summary',
    usage: 'sync-clicks --bu NAME [--since 2026-03-01T00:00:00Z]',
    async run(_app, flags, _positional, clicks, out) {
      const { bu, since } = checkFlags(flags, { required: ['bu'], optional: ['since'] });
      const unit = await clicks.pipeline.sfmc.businessUnit(bu!);
      if (!unit) throw badInput(`--bu: no business unit named ${JSON.stringify(bu)}`, 'bu');
      const from = since ? new Date(since) : undefined;
      if (from && Number.isNaN(from.getTime())) throw badInput('--since: an ISO date-time', 'since');
      const summary = await runClickSync(clicks.pipeline, unit, { since: from });
      print(out, summary);
      return summary.backlog ? 1 : 0;
    },
  },
};

/**
 * E-mail click sync (seed 000): Marketing Cloud click logs of every business unit through
 * `clicks-to-process` and `clicks-processed` into aggregated, exactly counted click events.
 */
export const clicksFeature = defineFeature({
  name: 'clicks',
  services: clickServices,
  indexes: clickIndexes,
  retiredIndexes: retiredClickIndexes,
  resolvers: [
    ClickEventResolver,
    ClickStatsResolver,
    ClickStatsGroupResolver,
    ClickSyncResolver,
    EmailSendResolver,
    LinkClicksResolver,
    CategoryResolver,
  ],
  jobTypes: (app, clicks) => [clicksLoadJob(clicks.pipeline, app.jobs)],
  schedules: [
    {
      name: 'CLICKS_LOAD',
      cron: '*/5 * * * *',
      jobType: CLICKS_LOAD,
      description: 'Marketing Cloud e-mail click events into the click pipeline (seed 000: every 5 minutes)',
    },
  ],
  async start(app, clicks) {
    await ensureClickQueues(clicks.pipeline);
    if (!app.config.JOB_WORKERS) return;
    app.jobs.consume(QUEUE_TO_PROCESS, clickProcessor(clicks.pipeline));
    app.jobs.consume(QUEUE_PROCESSED, clickAcknowledger(clicks.pipeline));
  },
  async rebuildStats(app, clicks) {
    const known = (await clicks.pipeline.sfmc.businessUnits()).map((unit) => unit.name);
    const units = await clickUnits(app.db, known);
    for (const bu of units) await rebuildClickRollups(app.db, clicks.pipeline.unitWriters, bu);
    return { businessUnits: units.length };
  },
  async demo(app, clicks) {
    const filled = await fillDemoClicks(clicks.pipeline.sfmc);
    const next = 'CLICKS_LOAD or sync-clicks processes them';
    app.logger.info({ filled }, `demo click rows are in the local data extension; ${next}`);
  },
  commands,
});
