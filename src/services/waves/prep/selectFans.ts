import type { FanEntryDoc, MarketDoc } from '../../fans/model';

export interface SelectionOptions {
  /** Each fan in one market at most; otherwise in every preferred market with room (orderByPreference). */
  singleMarket: boolean;
  /** Down the fan's preferences to the first market with room; otherwise the first preference only. */
  orderByPreference: boolean;
}

export type SelectionCandidate = Pick<FanEntryDoc, '_id' | 'marketPreferences' | 'market'>;

export interface Selection<E extends SelectionCandidate> {
  entry: E;
  /** The markets the fan is selected for, the first being the fan's market in the files. */
  markets: string[];
}

/**
 * Places fans, best first, in markets without passing any market's selection limit: `used`
 * holds the places already taken (fans selected before, when not reassigning). Pure: the prep
 * reads the candidates and writes the files around it.
 */
export function selectFans<E extends SelectionCandidate>(
  candidates: Iterable<E>,
  markets: readonly Pick<MarketDoc, 'id' | 'selectionLimit'>[],
  used: ReadonlyMap<string, number>,
  options: SelectionOptions,
): { selections: Selection<E>[]; perMarket: Map<string, number> } {
  const limits = new Map(markets.map((market) => [market.id, market.selectionLimit]));
  const taken = new Map(markets.map((market) => [market.id, used.get(market.id) ?? 0]));
  const perMarket = new Map(markets.map((market) => [market.id, 0]));
  const selections: Selection<E>[] = [];
  const hasRoom = (id: string) => {
    const limit = limits.get(id);
    return limit === null || (limit !== undefined && taken.get(id)! < limit);
  };
  for (const entry of candidates) {
    const preferences =
      entry.marketPreferences.length > 0 ? entry.marketPreferences : entry.market ? [entry.market] : [];
    const considered = (options.orderByPreference ? preferences : preferences.slice(0, 1)).filter((id) =>
      limits.has(id),
    );
    const open = [...new Set(considered)].filter(hasRoom);
    const placed = options.singleMarket ? open.slice(0, 1) : open;
    if (placed.length === 0) continue;
    for (const id of placed) {
      taken.set(id, taken.get(id)! + 1);
      perMarket.set(id, perMarket.get(id)! + 1);
    }
    selections.push({ entry, markets: placed });
  }
  return { selections, perMarket };
}
