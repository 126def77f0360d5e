import type { Db, Filter } from '../../../datasources/store';
import { notFound } from '../../../errors';
import { paginate, type Page, type PageArgs } from '../../pagination';
import {
  OPT_OUTS,
  WAVE_MESSAGES,
  WAVES,
  type OptOutDoc,
  type WaveDoc,
  type WaveMessageDoc,
  type WaveMessageStatus,
} from '../model';

/** waveMessages and optOuts: pages read through their indexes, counts from the same. */
export class SendQueries {
  constructor(private readonly db: Db) {}

  /** A wave's messages in row order, of one status when given; NOT_FOUND for an unknown wave. */
  async waveMessages<N>(
    waveId: string,
    status: WaveMessageStatus | null,
    page: PageArgs,
    toNode: (doc: WaveMessageDoc) => N,
  ): Promise<Page<N>> {
    const wave = await this.db.collection<WaveDoc>(WAVES).findOne({ _id: waveId }, { projection: { _id: 1 } });
    if (!wave) throw notFound('Wave', waveId);
    const filter = (status ? { waveId, status } : { waveId }) as Filter<WaveMessageDoc>;
    return paginate(this.db.collection<WaveMessageDoc>(WAVE_MESSAGES), filter, page, { sortField: 'row', toNode });
  }

  /** The opt-out list, newest first, of one brand when given. */
  optOuts<N>(brand: string | null, page: PageArgs, toNode: (doc: OptOutDoc) => N): Promise<Page<N>> {
    const filter = (brand ? { brand } : {}) as Filter<OptOutDoc>;
    return paginate(this.db.collection<OptOutDoc>(OPT_OUTS), filter, page, { sortField: 'at', direction: -1, toNode });
  }
}
