import type { RememberedFigures } from '../../datasources/rememberedFigures';
import type { Db, Document, Filter } from '../../datasources/store';
import {
  CLICK_ROLLUPS,
  type ClickDayDocument,
  type ClickFigures,
  type ClickSendDayDocument,
  type ClickSendDocument,
  type ClickUnitDocument,
  type ClickUrlDocument,
} from './clickRollups';
import type { ClickGroup, ClickGroupBy, TopLink } from './clickStats';

/** What the kept figures narrow by: a business unit, a send and reporting days (inclusive). */
export interface KeptScope {
  bu?: string;
  send?: string;
  from?: Date;
  to?: Date;
}

type GroupKey = Pick<ClickGroup, 'bu' | 'day' | 'send' | 'url'>;

/** Rows of figures folded into groups, most clicks first, at most `limit`. */
function ranked(rows: { key: GroupKey; clicks: number; clickers: number }[], limit: number): ClickGroup[] {
  const groups = new Map<string, ClickGroup>();
  for (const { key, clicks, clickers } of rows) {
    const id = JSON.stringify([key.bu, key.day?.getTime(), key.send, key.url]);
    const group = groups.get(id) ?? { ...key, totalClicks: 0, uniqueClickers: 0 };
    group.totalClicks += clicks;
    group.uniqueClickers += clickers;
    groups.set(id, group);
  }
  return [...groups.entries()]
    .sort(([a, x], [b, y]) => y.totalClicks - x.totalClicks || (a < b ? -1 : a > b ? 1 : 0))
    .slice(0, limit)
    .map(([, group]) => group);
}

/** Every collection of the figures: an answer is worked out again once any of them changed. */
const ROLLUP_COLLECTIONS = Object.values(CLICK_ROLLUPS);

const figures = (doc: Partial<ClickFigures> | undefined) => ({
  clicks: doc?.clicks ?? 0,
  clickers: doc?.clickers ?? 0,
});

/**
 * Click statistics from the figures kept as click events are written (clickRollups.ts), for a
 * filter of business unit, send and reporting days. Clicks always add up; distinct clickers
 * only within the groups the figures keep them for. Each answer is null when the figures cannot
 * give it exactly (the events are read then): distinct clickers over several days but not per
 * day, or links by day. Each collection of figures is read once per answer; with `figures`, each
 * answer is worked out once per change to the figures, however many callers ask in between.
 */
export class KeptClickStats {
  private readonly reads = new Map<string, Promise<unknown>>();

  constructor(
    private readonly db: Db,
    private readonly scope: KeptScope,
    private readonly figures?: RememberedFigures,
  ) {}

  private once<T>(what: string, read: () => Promise<T>): Promise<T> {
    let held = this.reads.get(what) as Promise<T> | undefined;
    if (!held) {
      held = read();
      this.reads.set(what, held);
    }
    return held;
  }

  /** An answer worked out from the figures, remembered by `figures` while none of them changes. */
  private remembered<T>(what: string, work: () => Promise<T>): Promise<T> {
    if (!this.figures) return work();
    const { bu, send, from, to } = this.scope;
    const key = `${what}|${JSON.stringify([bu, send, from?.getTime(), to?.getTime()])}`;
    return this.figures.get(key, ROLLUP_COLLECTIONS, work);
  }

  private get ranged(): boolean {
    return Boolean(this.scope.from || this.scope.to);
  }

  /** One reporting day asked for: figures of that day's groups are exact. */
  private get oneDay(): boolean {
    const { from, to } = this.scope;
    return Boolean(from && to && from.getTime() === to.getTime());
  }

  private dayRange(): Document {
    const { from, to } = this.scope;
    if (!from && !to) return {};
    return { day: { ...(from ? { $gte: from } : {}), ...(to ? { $lte: to } : {}) } };
  }

  private unitFilter(): Document {
    return this.scope.bu ? { bu: this.scope.bu } : {};
  }

  private units(): Promise<ClickUnitDocument[]> {
    const filter = this.scope.bu ? { _id: this.scope.bu } : {};
    return this.once('units', () => this.db.collection<ClickUnitDocument>(CLICK_ROLLUPS.units).find(filter).toArray());
  }

  private days(): Promise<ClickDayDocument[]> {
    return this.once('days', () =>
      this.db
        .collection<ClickDayDocument>(CLICK_ROLLUPS.days)
        .find({ ...this.dayRange(), ...this.unitFilter() } as Filter<ClickDayDocument>)
        .toArray(),
    );
  }

  private sendDays(): Promise<ClickSendDayDocument[]> {
    const send = this.scope.send ? { send: this.scope.send } : {};
    return this.once('sendDays', () =>
      this.db
        .collection<ClickSendDayDocument>(CLICK_ROLLUPS.sendDays)
        .find({ ...send, ...this.dayRange(), ...this.unitFilter() } as Filter<ClickSendDayDocument>)
        .toArray(),
    );
  }

  /** The send asked for, or the most clicked sends (all of them without `limit`), from their index. */
  private sends(limit?: number): Promise<ClickSendDocument[]> {
    const collection = this.db.collection<ClickSendDocument>(CLICK_ROLLUPS.sends);
    if (this.scope.send) {
      return this.once('send', () => collection.find({ _id: this.scope.send, ...this.unitFilter() }).toArray());
    }
    return this.once(`sends:${limit ?? 'all'}`, () =>
      collection.find(this.unitFilter(), { sort: { clicks: -1, _id: 1 }, ...(limit ? { limit } : {}) }).toArray(),
    );
  }

  private urls(limit: number): Promise<ClickUrlDocument[]> {
    return this.once(`urls:${limit}`, () =>
      this.db
        .collection<ClickUrlDocument>(CLICK_ROLLUPS.urls)
        .find(this.unitFilter(), { sort: { clicks: -1, _id: 1 }, limit })
        .toArray(),
    );
  }

  totalClicks(): Promise<number> {
    return this.remembered('totalClicks', () => this.workTotalClicks());
  }

  uniqueClickers(): Promise<number | null> {
    return this.remembered('uniqueClickers', () => this.workUniqueClickers());
  }

  groups(groupBy: readonly ClickGroupBy[], limit: number): Promise<ClickGroup[] | null> {
    return this.remembered(`groups:${[...new Set(groupBy)].sort().join(',')}:${limit}`, () =>
      this.workGroups(groupBy, limit),
    );
  }

  /** The most clicked links with their distinct clickers, or null when they are not kept for the scope. */
  topLinks(limit: number): Promise<TopLink[] | null> {
    return this.remembered(`topLinks:${limit}`, () => this.workTopLinks(limit));
  }

  private async workTotalClicks(): Promise<number> {
    if (!this.ranged) {
      if (this.scope.send) return figures((await this.sends(1))[0]).clicks;
      return (await this.units()).reduce((sum, unit) => sum + unit.clicks, 0);
    }
    const rows = this.scope.send ? await this.sendDays() : await this.days();
    return rows.reduce((sum, row) => sum + row.clicks, 0);
  }

  private async workUniqueClickers(): Promise<number | null> {
    if (!this.ranged) {
      if (this.scope.send) return figures((await this.sends(1))[0]).clickers;
      return (await this.units()).reduce((sum, unit) => sum + unit.clickers, 0);
    }
    if (!this.oneDay) return null;
    const rows = this.scope.send ? await this.sendDays() : await this.days();
    return rows.reduce((sum, row) => sum + row.clickers, 0);
  }

  private async workGroups(groupBy: readonly ClickGroupBy[], limit: number): Promise<ClickGroup[] | null> {
    const by = new Set(groupBy);
    if (by.size === 0) return [];
    if (by.has('SUBSCRIBER')) return null;
    const rows = await this.groupRows(by.has('DAY'), by.has('SEND'), by.has('URL'), limit);
    if (!rows) return null;
    const withUnit = by.has('BU');
    return ranked(
      rows.map((row) => (withUnit ? row : { ...row, key: { ...row.key, bu: undefined } })),
      limit,
    ).map(({ bu, ...group }) => (withUnit ? { bu, ...group } : group));
  }

  private async workTopLinks(limit: number): Promise<TopLink[] | null> {
    if (limit === 0) return [];
    const rows = await this.groupRows(false, false, true, limit);
    if (!rows) return null;
    // most clicks first, then by link id (URL ids are unique across business units)
    return ranked(
      rows.map((row) => ({ ...row, key: { url: row.key.url } })),
      limit,
    ).map((group) => ({ url: group.url!, totalClicks: group.totalClicks, uniqueClickers: group.uniqueClickers }));
  }

  /** The figures' rows for a grouping (business unit always in the key), or null when not kept. */
  private async groupRows(
    day: boolean,
    send: boolean,
    url: boolean,
    limit: number,
  ): Promise<{ key: GroupKey; clicks: number; clickers: number }[] | null> {
    if (!day && !send && !url) {
      if (this.ranged || this.scope.send) return null;
      return (await this.units()).map((unit) => ({ key: { bu: unit._id }, ...figures(unit) }));
    }
    // a link's distinct clickers are kept for all days, per send and over every send
    if (url && (day || this.ranged)) return null;
    if (day) {
      if (!send && !this.scope.send) {
        return (await this.days()).map((doc) => ({ key: { bu: doc.bu, day: doc.day }, ...figures(doc) }));
      }
      return (await this.sendDays()).map((doc) => this.sendDayRow(doc, true, send));
    }
    if (this.ranged) {
      // a send's distinct clickers of several days do not add up
      if (!this.oneDay) return null;
      return (await this.sendDays()).map((doc) => this.sendDayRow(doc, false, send));
    }
    if (url && !send && !this.scope.send) {
      return (await this.urls(limit)).map((doc) => ({ key: { bu: doc.bu, url: doc._id }, ...figures(doc) }));
    }
    const sends = await this.sends(url ? undefined : limit);
    if (!url) return sends.map((doc) => ({ key: { bu: doc.bu, send: doc._id }, ...figures(doc) }));
    return sends.flatMap((doc) =>
      Object.entries(doc.urls ?? {}).map(([urlId, link]) => ({
        key: { bu: doc.bu, url: urlId, ...(send ? { send: doc._id } : {}) },
        ...figures(link),
      })),
    );
  }

  private sendDayRow(doc: ClickSendDayDocument, day: boolean, send: boolean) {
    return {
      key: { bu: doc.bu, ...(day ? { day: doc.day } : {}), ...(send ? { send: doc.send } : {}) },
      ...figures(doc),
    };
  }
}
