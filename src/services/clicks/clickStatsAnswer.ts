import type { RememberedFigures } from '../../datasources/rememberedFigures';
import type { Db, Filter } from '../../datasources/store';
import type { ClickEventDocument } from './clickModels';
import { ComputedClickStats, type ClickGroup, type ClickGroupBy, type TopLink } from './clickStats';
import { KeptClickStats, type KeptScope } from './keptClickStats';

/**
 * The click statistics of one request, each part read when the response asks for it: from the
 * kept figures where they answer it exactly (keptClickStats.ts), else from the events, only
 * over days whose events are still kept (`retained` refuses the others).
 */
export class ClickStatsAnswer {
  private readonly kept: KeptClickStats | null;
  private readonly computed: ComputedClickStats;
  private readonly memo = new Map<string, Promise<unknown>>();

  /**
   * `scope` is null when the filter narrows by something the figures do not keep (a URL, a
   * subscriber); `figures` remembers the kept figures' reads across answers (keptClickStats.ts).
   */
  constructor(
    db: Db,
    query: Filter<ClickEventDocument>,
    scope: KeptScope | null,
    private readonly groupBy: ClickGroupBy[],
    private readonly limits: { groups: number; topLinks: number },
    retained?: () => Promise<void>,
    figures?: RememberedFigures,
  ) {
    this.kept = scope ? new KeptClickStats(db, scope, figures) : null;
    this.computed = new ComputedClickStats(db, query, retained);
  }

  private once<T>(name: string, read: () => Promise<T>): Promise<T> {
    let answer = this.memo.get(name) as Promise<T> | undefined;
    if (!answer) {
      answer = read();
      this.memo.set(name, answer);
    }
    return answer;
  }

  private overall() {
    return this.once('overall', () => this.computed.overall());
  }

  totalClicks(): Promise<number> {
    return this.once('totalClicks', async () =>
      this.kept ? this.kept.totalClicks() : (await this.overall()).totalClicks,
    );
  }

  uniqueClickers(): Promise<number> {
    return this.once('uniqueClickers', async () => {
      const kept = await this.kept?.uniqueClickers();
      return kept ?? (await this.overall()).uniqueClickers;
    });
  }

  groups(): Promise<ClickGroup[]> {
    return this.once('groups', async () => {
      const kept = await this.kept?.groups(this.groupBy, this.limits.groups);
      return kept ?? this.computed.groups(this.groupBy, this.limits.groups);
    });
  }

  topLinks(): Promise<TopLink[]> {
    return this.once('topLinks', async () => {
      const kept = await this.kept?.topLinks(this.limits.topLinks);
      return kept ?? this.computed.topLinks(this.limits.topLinks);
    });
  }
}
