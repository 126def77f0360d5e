import type { Db, Filter } from '../../../datasources/store';
import { badInput, notFound } from '../../../errors';
import {
  decodeCursor,
  DEFAULT_PAGE_SIZE,
  encodeCursor,
  MAX_PAGE_SIZE,
  type Page,
  type PageArgs,
} from '../../pagination';
import { FAN_CAMPAIGNS, FAN_ENTRIES, type FanCampaignDoc, type FanEntryDoc } from '../model';
import { entryConditions, type EntryFilter } from './entryFilter';

/**
 * A campaign's entries as the API reads them. Pages run in fan order (userId) along the
 * documents' own key: an entry's `_id` is `${campaignId}:${userId}`, so a campaign's entries are
 * one `_id` range and a page reads from the cursor on, whatever the filter, never the whole
 * campaign. Counts use the declared indexes: (campaignId, market, score), (campaignId, verdict),
 * (campaignId, userId).
 */
export class FanEntries {
  constructor(private readonly db: Db) {}

  private get collection() {
    return this.db.collection<FanEntryDoc>(FAN_ENTRIES);
  }

  async list<N>(
    campaignId: string,
    filter: EntryFilter,
    args: PageArgs,
    toNode: (doc: FanEntryDoc) => N,
  ): Promise<Page<N>> {
    const campaign = await this.db.collection<FanCampaignDoc>(FAN_CAMPAIGNS).findOne({ _id: campaignId });
    if (!campaign) throw notFound('Fan campaign', campaignId);
    const conditions = entryConditions(campaign, filter);
    const first = args.first ?? DEFAULT_PAGE_SIZE;
    if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) {
      throw badInput(`first: between 0 and ${MAX_PAGE_SIZE}`, 'first');
    }
    const prefix = `${campaignId}:`;
    const afterId = args.after ? cursorId(args.after, prefix) : null;
    // `;` follows `:`: the range holds exactly the ids starting with the prefix (ids hold no `:`).
    const idRange = { [afterId ? '$gt' : '$gte']: afterId ?? prefix, $lt: `${campaignId};` };
    const [docs, totalCount] = await Promise.all([
      this.collection
        .find({ _id: idRange, ...conditions } as Filter<FanEntryDoc>, { sort: { _id: 1 }, limit: first + 1 })
        .toArray(),
      this.collection.countDocuments({ campaignId, ...conditions } as Filter<FanEntryDoc>),
    ]);
    const edges = docs
      .slice(0, first)
      .map((doc) => ({ cursor: encodeCursor({ v: null, id: doc._id }), node: toNode(doc) }));
    return {
      edges,
      pageInfo: { hasNextPage: docs.length > first, endCursor: edges.at(-1)?.cursor ?? null },
      totalCount,
    };
  }

  /** Entries per market (by first preference), one index range count each. */
  private async firstChoiceCounts(campaignId: string, marketIds: readonly string[]): Promise<Map<string, number>> {
    const counts = await Promise.all(marketIds.map((market) => this.collection.countDocuments({ campaignId, market })));
    return new Map(marketIds.map((market, index) => [market, counts[index]!]));
  }

  /**
   * Of `marketIds`, those some entry names as any preference. The first preference is checked on
   * its index; a later one needs a read of the campaign's entries, done only for markets no entry
   * prefers first.
   */
  async marketsWithEntries(campaignId: string, marketIds: readonly string[]): Promise<string[]> {
    if (marketIds.length === 0) return [];
    const firstChoices = await this.firstChoiceCounts(campaignId, marketIds);
    const used = marketIds.filter((market) => firstChoices.get(market)! > 0);
    const rest = marketIds.filter((market) => !used.includes(market));
    if (rest.length === 0) return used;
    const later = await this.collection.distinct('marketPreferences', {
      campaignId,
      marketPreferences: { $in: rest },
    } as Filter<FanEntryDoc>);
    return [...used, ...rest.filter((market) => later.includes(market))];
  }
}

function cursorId(cursor: string, prefix: string): string {
  const { id } = decodeCursor(cursor);
  if (typeof id !== 'string' || !id.startsWith(prefix)) {
    throw badInput("after: not a cursor of this campaign's entries", 'after');
  }
  return id;
}
