import type { QueuePort } from '../../datasources/queue';
import { RememberedFigures, type ChangePositions } from '../../datasources/rememberedFigures';
import type { SfmcPort } from '../../datasources/sfmc';
import type { Db, Filter } from '../../datasources/store';
import type { Page, PageArgs } from '../pagination';
import { assertEventsRetained } from './clickExpiry';
import { pageClickEvents } from './clickEventPage';
import { clickEventDays, clickEventQuery, type ClickEventFilter } from './clickEventFilter';
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
  /** The store's change clock: the kept figures are then read once per change to them. */
  changes?: ChangePositions;
}

/** Kept figures' reads remembered at most, one per scope and grouping asked. */
const REMEMBERED_READS = 1000;

/** What the API reads of the click pipeline: click events, their statistics and the sync's state. */
export class ClickQueries {
  private readonly figures: RememberedFigures;

  constructor(private readonly deps: ClickQueryDeps) {
    this.figures = new RememberedFigures(deps.changes, REMEMBERED_READS);
  }

  /** A page of the filtered click events, latest reporting day first (clickEventPage.ts). */
  async events<N>(filter: ClickEventFilter, args: PageArgs, toNode: (doc: ClickEventDocument) => N): Promise<Page<N>> {
    const query = await this.query(filter);
    return pageClickEvents(clickCollections(this.deps.db).events, query, args, toNode);
  }

  /**
   * Clicks and distinct clickers of the filtered click events, overall, per group and per top
   * link: each part read when asked for, from the kept figures where they give it.
   */
  async stats(filter: ClickEventFilter, groupBy: ClickGroupBy[], limits: ClickStatsLimits): Promise<ClickStatsAnswer> {
    const checked = statsLimits(limits);
    const query = await this.query(filter);
    const { $gte: from, $lte: to } = clickEventDays(filter, this.deps.calendar);
    const scope: KeptScope | null =
      filter.url || filter.subscriberKey
        ? null
        : { bu: filter.bu ?? undefined, send: filter.sendId ?? undefined, from, to };
    const retained = () =>
      assertEventsRetained(this.deps.db, filter.bu ?? undefined, from, (day) => this.deps.calendar.dateOf(day));
    return new ClickStatsAnswer(this.deps.db, query, scope, groupBy, checked, retained, this.figures);
  }

  syncStatus(): Promise<ClickSyncStatusView[]> {
    return clickSyncStatus(this.deps.db, this.deps.sfmc, this.figures);
  }

  queueDepths(): Promise<ClickQueueDepths> {
    return clickQueueDepths(this.deps.queue);
  }

  private async query(filter: ClickEventFilter): Promise<Filter<ClickEventDocument>> {
    return clickEventQuery(filter, await this.deps.sfmc.businessUnits(), this.deps.calendar);
  }
}
