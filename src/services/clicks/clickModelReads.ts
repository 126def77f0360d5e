import { RememberedFigures, type ChangePositions } from '../../datasources/rememberedFigures';
import type { Collection, Db, Filter } from '../../datasources/store';
import { clickCollections } from './clickModels';
import type { CategoryDocument, EmailSendDocument, EmailUrlDocument, SubscriberDocument } from './clickModels';
import { CLICK_ROLLUPS, type ClickSendDocument } from './clickRollups';
import type { ClickTotals, TopLink } from './clickStats';

/** Documents with the given ids, in the order of the ids (null where there is none). */
async function byIds<D extends { _id: string }>(
  collection: Collection<D>,
  ids: readonly string[],
): Promise<(D | null)[]> {
  const docs = (await collection.find({ _id: { $in: [...ids] } } as Filter<D>).toArray()) as D[];
  const found = new Map(docs.map((doc) => [String(doc._id), doc]));
  return ids.map((id) => found.get(String(id)) ?? null);
}

/** Reads of sends, links and categories remembered at most: a dashboard asks the same ids again and again. */
const REMEMBERED_READS = 1000;

/**
 * The models related to click events, read many at a time: each call answers every id a
 * request asked for with one query, in the order of the ids. With the store's change clock,
 * the same ids of sends, links and categories are read again only once their collection changed.
 */
export class ClickModelReads {
  private readonly figures: RememberedFigures;

  constructor(
    private readonly db: Db,
    changes?: ChangePositions,
  ) {
    this.figures = new RememberedFigures(changes, REMEMBERED_READS);
  }

  private remembered<D extends { _id: string }>(collection: Collection<D>, ids: readonly string[]) {
    const { collectionName } = collection;
    return this.figures.get(`${collectionName}|${JSON.stringify(ids)}`, [collectionName], () => byIds(collection, ids));
  }

  sends(ids: readonly string[]): Promise<(EmailSendDocument | null)[]> {
    return this.remembered(clickCollections(this.db).sends, ids);
  }

  urls(ids: readonly string[]): Promise<(EmailUrlDocument | null)[]> {
    return this.remembered(clickCollections(this.db).urls, ids);
  }

  subscribers(ids: readonly string[]): Promise<(SubscriberDocument | null)[]> {
    return byIds(clickCollections(this.db).subscribers, ids);
  }

  categories(ids: readonly string[]): Promise<(CategoryDocument | null)[]> {
    return this.remembered(clickCollections(this.db).categories, ids);
  }

  /** The links of each send with their clicks and distinct clickers, most clicked first (kept figures). */
  async sendLinks(sendIds: readonly string[]): Promise<TopLink[][]> {
    const figures = await byIds(this.db.collection<ClickSendDocument>(CLICK_ROLLUPS.sends), sendIds);
    return figures.map((send) =>
      Object.entries(send?.urls ?? {})
        .map(([url, link]) => ({ url, totalClicks: link.clicks ?? 0, uniqueClickers: link.clickers ?? 0 }))
        .sort((a, b) => b.totalClicks - a.totalClicks || (a.url < b.url ? -1 : a.url > b.url ? 1 : 0)),
    );
  }

  /** The clicks and distinct clickers of each send (kept figures). */
  async sendTotals(sendIds: readonly string[]): Promise<ClickTotals[]> {
    const figures = await byIds(this.db.collection<ClickSendDocument>(CLICK_ROLLUPS.sends), sendIds);
    return figures.map((send) => ({ totalClicks: send?.clicks ?? 0, uniqueClickers: send?.clickers ?? 0 }));
  }
}
