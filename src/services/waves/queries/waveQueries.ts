import type { RememberedFigures } from '../../../datasources/rememberedFigures';
import type { Db, Filter } from '../../../datasources/store';
import { paginate, rememberedPage, type Page, type PageArgs } from '../../pagination';
import { WAVES, type WaveDoc, type WaveStatus } from '../model';

export interface WaveFilter {
  campaignId?: string | null;
  status?: WaveStatus | null;
}

/** waves(filter) and wave(id): stored waves, newest first; the schema turns them into its types. */
export class WaveQueries {
  constructor(
    private readonly db: Db,
    /** On the embedded store: a wave or a page of waves is read once per change to the waves. */
    private readonly remembered?: RememberedFigures,
  ) {}

  private get waves() {
    return this.db.collection<WaveDoc>(WAVES);
  }

  get(id: string): Promise<WaveDoc | null> {
    const read = () => this.waves.findOne({ _id: id });
    return this.remembered ? this.remembered.get(`wave|${id}`, [WAVES], read) : read();
  }

  list(filter: WaveFilter, page: PageArgs): Promise<Page<WaveDoc>> {
    const query: Filter<WaveDoc> = {};
    if (filter.campaignId) query['config.campaignId'] = filter.campaignId;
    if (filter.status) query.status = filter.status;
    const order = { sortField: 'createdAt', direction: -1 as const, toNode: (doc: WaveDoc) => doc };
    if (this.remembered) return rememberedPage(this.remembered, this.waves, query, page, order);
    return paginate(this.waves, query, page, order);
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
