import type { App } from '../app';
import { badInput } from '../errors';
import { ClickEventResolver } from '../resolvers/clicks/clickEvent.resolver';
import { ClickStatsGroupResolver, ClickStatsResolver } from '../resolvers/clicks/clickStats.resolver';
import { ClickSyncResolver } from '../resolvers/clicks/clickSync.resolver';
import { CategoryResolver, EmailSendResolver, LinkClicksResolver } from '../resolvers/clicks/emailSend.resolver';
import { QUEUE_PROCESSED, QUEUE_TO_PROCESS } from '../services/clicks/clickModels';
import { CLICKS_LOAD, clicksLoadJob } from '../services/clicks/clicksLoad.job';
import { fillDemoClicks } from '../services/clicks/demoClicks';
import { handleClickBatches, handleProcessedKeys } from '../services/clicks/handlers';
import { importClicks } from '../services/clicks/importClicks';
import { clickPipeline } from '../services/clicks/pipeline';
import { ReportingCalendar } from '../services/clicks/reportingDay';
import { ensureClickQueues, runClickSync } from '../services/clicks/runClickSync';
import { clickIndexes, retiredClickIndexes } from '../services/clicks/indexes';
import { checkFlags } from './commandLine';
import { defineFeature, type CliCommand } from './feature';

const print = (value: unknown) => process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);

const commands: Record<string, CliCommand> = {
  'import-clicks': {
    description: "Appends a CSV of click-log rows (headers = columns) to a business unit's local data extension",
    usage: 'import-clicks --bu NAME --file rows.csv',
    async run(app, flags) {
      const { bu, file } = checkFlags(flags, { required: ['bu', 'file'] });
      print(await importClicks(app.ports.sfmc, bu!, file!));
    },
  },
  'sync-clicks': {
    description: "Runs loader, processor and acknowledger for a business unit until its backlog is empty; prints a JSON summary",
    usage: 'sync-clicks --bu NAME [--since 2026-03-01T00:00:00Z]',
    async run(app, flags) {
      const { bu, since } = checkFlags(flags, { required: ['bu'], optional: ['since'] });
      const deps = clickPipeline(app);
      const unit = await deps.sfmc.businessUnit(bu!);
      if (!unit) throw badInput(`--bu: no business unit named ${JSON.stringify(bu)}`, 'bu');
      const from = since ? new Date(since) : undefined;
      if (from && Number.isNaN(from.getTime())) throw badInput('--since: an ISO date-time', 'since');
      const summary = await runClickSync(deps, unit, { since: from });
      print(summary);
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
  indexes: clickIndexes,
  retiredIndexes: retiredClickIndexes,
  resolvers: [ClickEventResolver, ClickStatsResolver, ClickStatsGroupResolver, ClickSyncResolver, EmailSendResolver, LinkClicksResolver, CategoryResolver],
  jobTypes: (app) => [clicksLoadJob(app)],
  schedules: [
    {
      name: 'CLICKS_LOAD',
      cron: '*/5 * * * *',
      jobType: CLICKS_LOAD,
      description: 'Marketing Cloud e-mail click events into the click pipeline (seed 000: every 5 minutes)',
    },
  ],
  async start(app: App) {
    ReportingCalendar.assertTimeZone(app.config.REPORTING_TIME_ZONE);
    const deps = clickPipeline(app);
    await ensureClickQueues(deps);
    if (!app.config.JOB_WORKERS) return;
    app.jobs.consume(QUEUE_TO_PROCESS, {
      concurrency: 2,
      batchSize: 10,
      visibilityTimeoutSeconds: 120,
      handler: (messages) => handleClickBatches(deps, messages),
    });
    app.jobs.consume(QUEUE_PROCESSED, {
      concurrency: 1,
      batchSize: 10,
      visibilityTimeoutSeconds: 120,
      handler: (messages, { signal }) => handleProcessedKeys(deps, messages, signal),
    });
  },
  async demo(app: App) {
    const filled = await fillDemoClicks(app.ports.sfmc);
    app.logger.info({ filled }, 'demo click rows are in the local data extension; CLICKS_LOAD or sync-clicks processes them');
  },
  commands,
});
