import { ObjectId, type Db, type Document } from '../../datasources/store';
import type { Loaders } from '../loaders';
import { INSERTION_ORDERS } from './orderLookup';
import { PUBLICATIONS } from './syncTracking';

/** The hub's advertising campaigns, which orders and entries name by campaignId. */
export const AD_CAMPAIGNS = 'ad_campaigns';

/** The order, campaign and publication of a performance entry, batched per request. */
export class RelatedDocuments {
  constructor(private readonly db: Db) {}

  /**
   * Orders by the id entries carry (the string form of the order's _id, which other
   * applications create as an ObjectId): one query for every order a response needs.
   */
  order(loaders: Loaders, orderId: string): Promise<Document | null> {
    return loaders.custom<string, Document | null>('tracking:orders', (ids) => this.ordersById(ids)).load(orderId);
  }

  adCampaign(loaders: Loaders, campaignId: string): Promise<Document | null> {
    return loaders.byField<Document>(AD_CAMPAIGNS, 'campaignId').load(campaignId);
  }

  publication(loaders: Loaders, publicationId: number): Promise<Document | null> {
    return loaders.byField<Document>(PUBLICATIONS, 'publicationId').load(publicationId);
  }

  private async ordersById(ids: readonly string[]): Promise<(Document | null)[]> {
    const objectIds = ids
      .filter((id) => ObjectId.isValid(id) && /^[0-9a-f]{24}$/i.test(id))
      .map((id) => new ObjectId(id));
    const orders = await this.db
      .collection(INSERTION_ORDERS)
      .find({ _id: { $in: [...ids, ...objectIds] as never[] } })
      .toArray();
    const byId = new Map(orders.map((order) => [String(order._id), order]));
    return ids.map((id) => byId.get(id) ?? null);
  }
}
