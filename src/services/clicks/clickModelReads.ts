import type { Collection, Db, Filter } from '../../datasources/store';
import { clickCollections } from './clickModels';
import type { CategoryDocument, EmailSendDocument, EmailUrlDocument, SubscriberDocument } from './clickModels';
import { clickTotals, type ClickTotals, type TopLink } from './clickStats';

/** Documents with the given ids, in the order of the ids (null where there is none). */
async function byIds<D extends { _id: string }>(
  collection: Collection<D>,
  ids: readonly string[],
): Promise<(D | null)[]> {
  const docs = (await collection.find({ _id: { $in: [...ids] } } as Filter<D>).toArray()) as D[];
  const found = new Map(docs.map((doc) => [String(doc._id), doc]));
  return ids.map((id) => found.get(String(id)) ?? null);
}

/** Clicks (sum of n) and the distinct subscribers who clicked, of one group. */
interface GroupedClicks<K> {
  _id: K;
  totalClicks: number;
  clickers: string[];
}

/**
 * The models related to click events, read many at a time: each call answers every id a
 * request asked for with one query, in the order of the ids.
 */
export class ClickModelReads {
  constructor(private readonly db: Db) {}

  sends(ids: readonly string[]): Promise<(EmailSendDocument | null)[]> {
    return byIds(clickCollections(this.db).sends, ids);
  }

  urls(ids: readonly string[]): Promise<(EmailUrlDocument | null)[]> {
    return byIds(clickCollections(this.db).urls, ids);
  }

  subscribers(ids: readonly string[]): Promise<(SubscriberDocument | null)[]> {
    return byIds(clickCollections(this.db).subscribers, ids);
  }

  categories(ids: readonly string[]): Promise<(CategoryDocument | null)[]> {
    return byIds(clickCollections(this.db).categories, ids);
  }

  /** The links of each send with their clicks, most clicked first. */
  async sendLinks(sendIds: readonly string[]): Promise<TopLink[][]> {
    const rows = await this.clicksOfSends<{ send: string; url: string }>(sendIds, { send: '$send', url: '$url' });
    const bySend = new Map<string, TopLink[]>(sendIds.map((id) => [id, []]));
    for (const { _id, totalClicks, clickers } of rows) {
      bySend.get(_id.send)?.push({ url: _id.url, totalClicks, uniqueClickers: clickers.length });
    }
    return sendIds.map((id) => bySend.get(id)!.sort((a, b) => b.totalClicks - a.totalClicks));
  }

  /** The clicks and distinct clickers of each send. */
  async sendTotals(sendIds: readonly string[]): Promise<ClickTotals[]> {
    const rows = await this.clicksOfSends<string>(sendIds, '$send');
    const bySend = new Map(rows.map((r) => [r._id, r]));
    return sendIds.map((id) => {
      const row = bySend.get(id);
      return { totalClicks: row?.totalClicks ?? 0, uniqueClickers: row?.clickers.length ?? 0 };
    });
  }

  /** The click events of the sends, grouped by `groupId`: one aggregation for every send asked for. */
  private clicksOfSends<K>(sendIds: readonly string[], groupId: unknown): Promise<GroupedClicks<K>[]> {
    return clickCollections(this.db)
      .events.aggregate<GroupedClicks<K>>([
        { $match: { send: { $in: [...sendIds] } } },
        { $group: { _id: groupId, ...clickTotals } },
      ])
      .toArray();
  }
}
