import type { Db, Document } from 'mongodb';
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

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Finds the order of every key with two queries in all (tracking_scripts, then orders), the
 * seed's two strategies applied in memory:
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

  const scripts = await db
    .collection(TRACKING_SCRIPTS)
    .find({ creativeId: { $in: creativeIds }, publicationId: { $in: publicationIds } })
    .toArray();
  const scriptByPair = new Map<string, Document>();
  for (const script of scripts) {
    const pair = pairKey(String(script.creativeId), Number(script.publicationId));
    if (!scriptByPair.has(pair)) scriptByPair.set(pair, script);
  }

  const exactCampaignIds = [...new Set(scripts.map((s) => s.campaignId).filter((c): c is string => typeof c === 'string'))];
  const parsedCampaignIds = [...new Set(creativeIds.map(parseCreativeCampaignId).filter((c): c is string => c !== null))];
  const campaignMatchers: (string | RegExp)[] = [
    ...exactCampaignIds,
    ...parsedCampaignIds.map((c) => new RegExp(`^${escapeRegex(c)}$`, 'i')),
  ];
  const orders =
    campaignMatchers.length === 0
      ? []
      : await db
          .collection(INSERTION_ORDERS)
          .find(
            { campaignId: { $in: campaignMatchers }, publicationId: { $in: publicationIds }, deletedAt: { $exists: false } },
            { sort: { _id: 1 } },
          )
          .toArray();
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
