import type { QueuePort } from '../../datasources/queue';
import type { SfmcPort } from '../../datasources/sfmc';
import type { Db, Filter } from '../../datasources/store';
import { paginate, type Page, type PageArgs } from '../pagination';
import { clickEventQuery, type ClickEventFilter } from './clickEventFilter';
import { clickCollections, type ClickEventDocument } from './clickModels';
import { ClickStatsAnswer } from './clickStatsAnswer';
import { statsLimits, type ClickGroupBy, type ClickStatsLimits } from './clickStats';
import { clickQueueDepths, clickSyncStatus, type ClickQueueDepths, type ClickSyncStatusView } from './clickSyncStatus';
import type { KeptScope } from './keptClickStats';
import type { ReportingCalendar } from './reportingDay';

export interface ClickQueryDeps {
  db: Db;
  sfmc: SfmcPort;
  queue: QueuePort;
  calendar: ReportingCalendar;
}

/** What the API reads of the click pipeline: click events, their statistics and the sync's state. */
export class ClickQueries {
  constructor(private readonly deps: ClickQueryDeps) {}

  /** A page of the filtered click events, latest reporting day first. */
  async events<N>(filter: ClickEventFilter, args: PageArgs, toNode: (doc: ClickEventDocument) => N): Promise<Page<N>> {
    const query = await this.query(filter);
    return paginate(clickCollections(this.deps.db).events, query, args, { sortField: 'day', direction: -1, toNode });
  }

  /**
   * Clicks and distinct clickers of the filtered click events, overall, per group and per top
   * link: each part read when asked for, from the kept figures where they give it.
   */
  async stats(filter: ClickEventFilter, groupBy: ClickGroupBy[], limits: ClickStatsLimits): Promise<ClickStatsAnswer> {
    const checked = statsLimits(limits);
    const query = await this.query(filter);
    const scope: KeptScope | null =
      filter.url || filter.subscriberKey
        ? null
        : {
            bu: filter.bu ?? undefined,
            send: filter.sendId ?? undefined,
            from: (query.day as { $gte?: Date } | undefined)?.$gte,
            to: (query.day as { $lte?: Date } | undefined)?.$lte,
          };
    return new ClickStatsAnswer(this.deps.db, query, scope, groupBy, checked);
  }

  syncStatus(): Promise<ClickSyncStatusView[]> {
    return clickSyncStatus(this.deps.db, this.deps.sfmc);
  }

  queueDepths(): Promise<ClickQueueDepths> {
    return clickQueueDepths(this.deps.queue);
  }

  private async query(filter: ClickEventFilter): Promise<Filter<ClickEventDocument>> {
    return clickEventQuery(filter, await this.deps.sfmc.businessUnits(), this.deps.calendar);
  }
}
