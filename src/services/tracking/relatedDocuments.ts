import { ObjectId, type Db, type Document } from 'mongodb';
import type { Loaders } from '../../resolvers/loaders';
import { INSERTION_ORDERS } from './orderLookup';
import { PUBLICATIONS } from './syncTracking';

/** The hub's advertising campaigns, which orders and entries name by campaignId. */
export const AD_CAMPAIGNS = 'ad_campaigns';

/**
 * Orders by the id entries carry (the string form of the order's _id, which other
 * applications create as an ObjectId): one query for every order a response needs.
 */
export function orderLoader(loaders: Loaders, db: Db) {
  return loaders.custom<string, Document | null>('tracking:orders', async (ids) => {
    const objectIds = ids.filter((id) => ObjectId.isValid(id) && /^[0-9a-f]{24}$/i.test(id)).map((id) => new ObjectId(id));
    const orders = await db
      .collection(INSERTION_ORDERS)
      .find({ _id: { $in: [...ids, ...objectIds] as never[] } })
      .toArray();
    const byId = new Map(orders.map((order) => [String(order._id), order]));
    return ids.map((id) => byId.get(id) ?? null);
  });
}

export function adCampaignLoader(loaders: Loaders) {
  return loaders.byField<Document>(AD_CAMPAIGNS, 'campaignId');
}

export function publicationLoader(loaders: Loaders) {
  return loaders.byField<Document>(PUBLICATIONS, 'publicationId');
}
