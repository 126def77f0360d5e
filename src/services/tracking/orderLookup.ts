import type { Db, Document } from '../../datasources/store';
import { DIGITAL_CHANNELS, normalizeChannel } from './channel';
import { parseCreativeCampaignId } from './creativeId';
import type { OrderMatch } from './performanceEntry';

export const TRACKING_SCRIPTS = 'tracking_scripts';
export const INSERTION_ORDERS = 'publication_insertion_orders';

/** What the order lookup needs of a row: its creative and its publication id (already mapped). */
export interface LookupKey {
  creativeId: string;
  publicationId: number;
}

interface InventoryItem {
  itemPath?: string;
  itemName?: string;
  channel?: string;
}

const pairKey = (id: string, publicationId: number) => `${id}\u0000${publicationId}`;

/**
 * Values per $in. Huge $in lists bloat queries on MongoDB and make the embedded engine fall
 * back to a scan (it plans point look-ups for up to 1000 values); a batch of the default size
 * stays within one query.
 */
export const IN_CHUNK = 1000;

/** find() over `values` in $in chunks of IN_CHUNK, results concatenated. */
async function findIn(
  db: Db,
  collection: string,
  field: string,
  values: readonly unknown[],
  rest: Document = {},
): Promise<Document[]> {
  const found: Document[] = [];
  for (let i = 0; i < values.length; i += IN_CHUNK) {
    const chunk = values.slice(i, i + IN_CHUNK);
    found.push(
      ...(await db
        .collection(collection)
        .find({ [field]: { $in: chunk }, ...rest }, { sort: { _id: 1 } })
        .toArray()),
    );
  }
  return found;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Finds the order of every key with one query per collection (tracking_scripts, then orders;
 * a second orders query only for campaign ids whose letter case differs), the seed's two
 * strategies applied in memory:
 * 1. the tracking script of (creativeId, publicationId), then the non-deleted order of its
 *    campaign and publication;
 * 2. otherwise the campaign id inside the creative id, compared to the order's campaignId
 *    exactly but case-insensitively (anchored regex), then the order's first digital item.
 * Returns a lookup function; null means no order (the row is skipped).
 */
export async function lookupOrders(db: Db, keys: readonly LookupKey[]): Promise<(key: LookupKey) => OrderMatch | null> {
  const creativeIds = [...new Set(keys.map((k) => k.creativeId))];
  const publicationIds = [...new Set(keys.map((k) => k.publicationId))];
  if (keys.length === 0) return () => null;

  // By creative only, so the look-up is index points, not creatives x publications; the
  // publication is matched in memory.
  const scripts = await findIn(db, TRACKING_SCRIPTS, 'creativeId', creativeIds);
  const scriptByPair = new Map<string, Document>();
  for (const script of scripts) {
    const pair = pairKey(String(script.creativeId), Number(script.publicationId));
    if (!scriptByPair.has(pair)) scriptByPair.set(pair, script);
  }

  const scriptCampaignIds = scripts.map((s) => s.campaignId).filter((c): c is string => typeof c === 'string');
  const parsedPairs = keys.flatMap((k) => {
    const campaignId = parseCreativeCampaignId(k.creativeId);
    return campaignId ? [{ campaignId, publicationId: k.publicationId }] : [];
  });
  const orders = await findOrders(db, publicationIds, scriptCampaignIds, parsedPairs);
  const exactOrder = new Map<string, Document>();
  const caselessOrder = new Map<string, Document>();
  for (const order of orders) {
    if (typeof order.campaignId !== 'string') continue;
    const publicationId = Number(order.publicationId);
    const exact = pairKey(order.campaignId, publicationId);
    const caseless = pairKey(order.campaignId.toLowerCase(), publicationId);
    if (!exactOrder.has(exact)) exactOrder.set(exact, order);
    if (!caselessOrder.has(caseless)) caselessOrder.set(caseless, order);
  }

  return (key) => {
    const script = scriptByPair.get(pairKey(key.creativeId, key.publicationId));
    if (script && typeof script.campaignId === 'string') {
      const order = exactOrder.get(pairKey(script.campaignId, key.publicationId));
      if (order) return matchFromScript(order, script, key);
    }
    const campaignId = parseCreativeCampaignId(key.creativeId);
    if (campaignId) {
      const order = caselessOrder.get(pairKey(campaignId.toLowerCase(), key.publicationId));
      if (order) return matchFromInventory(order, key);
    }
    return null;
  };
}

/**
 * The non-deleted orders of the given campaigns on the given publications. Exact ids first (an
 * index lookup); only parsed ids that matched no order in any letter case are then searched
 * with anchored case-insensitive regexes, which cannot use the index.
 */
async function findOrders(
  db: Db,
  publicationIds: number[],
  scriptCampaignIds: string[],
  parsedPairs: { campaignId: string; publicationId: number }[],
): Promise<Document[]> {
  const parsed = parsedPairs.map((p) => p.campaignId);
  const exact = [...new Set([...scriptCampaignIds, ...parsed, ...parsed.map((c) => c.toLowerCase())])];
  if (exact.length === 0) return [];
  const wanted = new Set(publicationIds);
  const onWanted = (orders: Document[]) => orders.filter((order) => wanted.has(Number(order.publicationId)));
  const scope = { deletedAt: { $exists: false } };
  const orders = onWanted(await findIn(db, INSERTION_ORDERS, 'campaignId', exact, scope));
  const found = new Set(
    orders.map((order) => pairKey(String(order.campaignId).toLowerCase(), Number(order.publicationId))),
  );
  const unresolved = [
    ...new Set(
      parsedPairs
        .filter((p) => !found.has(pairKey(p.campaignId.toLowerCase(), p.publicationId)))
        .map((p) => p.campaignId),
    ),
  ];
  if (unresolved.length === 0) return orders;
  const patterns = unresolved.map((c) => new RegExp(`^${escapeRegex(c)}$`, 'i'));
  return [...orders, ...onWanted(await findIn(db, INSERTION_ORDERS, 'campaignId', patterns, scope))];
}

function orderFields(order: Document, key: LookupKey) {
  return {
    orderId: String(order._id),
    campaignId: String(order.campaignId),
    publicationId: key.publicationId,
    publicationName: typeof order.publicationName === 'string' ? order.publicationName : null,
  };
}

/** Strategy 1: the placement is the tracking script's channel. */
function matchFromScript(order: Document, script: Document, key: LookupKey): OrderMatch {
  const creativeName = script.creative?.name;
  return {
    ...orderFields(order, key),
    itemPath: `tracking-${script.channel || 'website'}`,
    itemName: typeof creativeName === 'string' && creativeName ? creativeName : key.creativeId,
    channel: normalizeChannel(script.channel),
  };
}

/** Strategy 2: the order's first digital inventory item on that publication (else its first item). */
function matchFromInventory(order: Document, key: LookupKey): OrderMatch {
  const publications: Document[] = Array.isArray(order.selectedInventory?.publications)
    ? order.selectedInventory.publications
    : [];
  const publication = publications.find((p) => Number(p?.publicationId) === key.publicationId);
  const items: InventoryItem[] = Array.isArray(publication?.inventoryItems) ? publication.inventoryItems : [];
  const item = items.find((i) => DIGITAL_CHANNELS.includes(String(i?.channel))) ?? items[0];
  return {
    ...orderFields(order, key),
    itemPath: item?.itemPath || `digital-${key.creativeId}`,
    itemName: item?.itemName || key.creativeId,
    channel: normalizeChannel(item?.channel),
  };
}

/**
 * Order look-ups for one sync run, remembered by (creativeId, publicationId): rows come day by
 * day and the same creatives recur every day, so after the first day a batch mostly needs no
 * query at all. Orders do not move during a run; a new run starts with nothing remembered.
 */
export class OrderMatcher {
  private readonly known = new Map<string, OrderMatch | null>();

  constructor(private readonly db: Db) {}

  async resolve(keys: readonly LookupKey[]): Promise<(key: LookupKey) => OrderMatch | null> {
    const unknown = new Map<string, LookupKey>();
    for (const key of keys) {
      const pair = pairKey(key.creativeId, key.publicationId);
      if (!this.known.has(pair)) unknown.set(pair, key);
    }
    if (unknown.size > 0) {
      const find = await lookupOrders(this.db, [...unknown.values()]);
      for (const [pair, key] of unknown) this.known.set(pair, find(key));
    }
    return (key) => this.known.get(pairKey(key.creativeId, key.publicationId)) ?? null;
  }
}
