import type { NotifierPort } from '../../../datasources/notifier/port';
import type { RememberedFigures } from '../../../datasources/rememberedFigures';
import type { Db } from '../../../datasources/store';
import type { Jobs } from '../../../jobs/jobType';
import { NotificationLog } from './notifications';
import { StatsRefresh } from './refreshStats';
import { SlackStatsReporter } from './slackStats';
import { StatsSnapshots } from './snapshots';

/** The fans feature's `stats`: admin snapshots, the Slack report, notifications read back. */
export interface StatsServices {
  snapshots: StatsSnapshots;
  slack: SlackStatsReporter;
  refresh: StatsRefresh;
  notifications: NotificationLog;
}

export function statsServices(deps: {
  db: Db;
  notifier: NotifierPort;
  jobs: Jobs;
  remembered?: RememberedFigures;
}): StatsServices {
  const { db, notifier, jobs } = deps;
  const snapshots = new StatsSnapshots(db, undefined, deps.remembered);
  return {
    snapshots,
    slack: new SlackStatsReporter(db, notifier),
    refresh: new StatsRefresh(snapshots, jobs),
    notifications: new NotificationLog(db),
  };
}
