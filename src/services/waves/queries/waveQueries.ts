import type { Db, Filter } from '../../../datasources/store';
import { paginate, type Page, type PageArgs } from '../../pagination';
import { WAVES, type WaveDoc, type WaveStatus } from '../model';

export interface WaveFilter {
  campaignId?: string | null;
  status?: WaveStatus | null;
}

/** waves(filter) and wave(id): stored waves, newest first; the schema turns them into its types. */
export class WaveQueries {
  constructor(private readonly db: Db) {}

  private get waves() {
    return this.db.collection<WaveDoc>(WAVES);
  }

  get(id: string): Promise<WaveDoc | null> {
    return this.waves.findOne({ _id: id });
  }

  list(filter: WaveFilter, page: PageArgs): Promise<Page<WaveDoc>> {
    const query: Filter<WaveDoc> = {};
    if (filter.campaignId) query['config.campaignId'] = filter.campaignId;
    if (filter.status) query.status = filter.status;
    return paginate(this.waves, query, page, { sortField: 'createdAt', direction: -1, toNode: (doc) => doc });
  }
}

/**
 * Share of the wave's recipients that are done with (reached, undelivered, failed, expired or
 * skipped), from the counts the sender keeps; 1 for a sent wave or one with no recipients. A text
 * that failed and then went by e-mail counts in two of those: the share is capped at 1.
 */
export function waveProgress(wave: Pick<WaveDoc, 'counts' | 'status'>): number {
  const { total, ok, undelivered, failed, expired, skipped } = wave.counts;
  if (wave.status === 'SENT' || total === 0) return 1;
  return Math.min(1, (ok + undelivered + failed + expired + skipped) / total);
}
