import type { Db } from '../../src/datasources/store';
import type { AnalyticsRow } from '../../src/datasources/analytics/port';
import { DEFAULT_PUBLICATION_CODES } from '../../src/services/tracking/publicationCodes';

/**
 * The baseline: the seed's sample handler loop (001 §9 and §16) as written there, a row at a
 * time: lookupOrder (findOne tracking_scripts, findOne order, or the unanchored $regex
 * strategy) then one upsert per row. Kept only to measure against; the service does not use it.
 */
function normalizeChannel(channel: string): string {
  return channel?.replace('_image', '').replace('_text', '').replace('newsletter_', 'newsletter') || 'website';
}

async function lookupOrder(db: Db, creativeId: string, publicationCode: string) {
  const publicationId = DEFAULT_PUBLICATION_CODES[publicationCode.toLowerCase()];
  if (!publicationId) return null;
  const trackingScript = await db.collection('tracking_scripts').findOne({ creativeId, publicationId });
  if (trackingScript) {
    const order = await db
      .collection('publication_insertion_orders')
      .findOne({ campaignId: trackingScript.campaignId, publicationId, deletedAt: { $exists: false } });
    if (order) {
      return {
        orderId: order._id.toString(),
        campaignId: order.campaignId,
        publicationId: order.publicationId,
        publicationName: order.publicationName,
        itemPath: `tracking-${trackingScript.channel}`,
        itemName: trackingScript.creative?.name || creativeId,
        channel: normalizeChannel(trackingScript.channel),
      };
    }
  }
  const campaignMatch = creativeId.match(/(?:cr_|creative_)?([a-z0-9-]+)_/i);
  if (campaignMatch) {
    const order = await db.collection('publication_insertion_orders').findOne({
      campaignId: { $regex: campaignMatch[1], $options: 'i' },
      publicationId,
      deletedAt: { $exists: false },
    });
    if (order) {
      const pub = order.selectedInventory?.publications?.find(
        (p: { publicationId: number }) => p.publicationId === publicationId,
      );
      const item =
        pub?.inventoryItems?.find((i: { channel: string }) =>
          ['website', 'newsletter', 'streaming'].includes(i.channel),
        ) || pub?.inventoryItems?.[0];
      return {
        orderId: order._id.toString(),
        campaignId: order.campaignId,
        publicationId: order.publicationId,
        publicationName: order.publicationName,
        itemPath: item?.itemPath || `digital-${creativeId}`,
        itemName: item?.itemName || creativeId,
        channel: item?.channel || 'website',
      };
    }
  }
  return null;
}

export async function seedHandlerLoop(db: Db, rows: readonly AnalyticsRow[]) {
  const stats = { synced: 0, skipped: 0, errors: 0 };
  for (const row of rows) {
    try {
      const order = await lookupOrder(db, String(row.creative_id), String(row.publication_code));
      if (!order) {
        stats.skipped++;
        continue;
      }
      const impressions = Number(row.impressions);
      const clicks = Number(row.clicks);
      const dateStart = new Date(`${row.report_date}T00:00:00.000Z`);
      const now = new Date();
      await db.collection('performance_entries').updateOne(
        { orderId: order.orderId, itemPath: order.itemPath, dateStart, source: 'automated' },
        {
          $set: {
            ...order,
            dimensions: row.ad_size,
            dateEnd: new Date(`${row.report_date}T23:59:59.999Z`),
            metrics: {
              impressions,
              clicks,
              ctr: impressions ? (clicks / impressions) * 100 : 0,
              viewability: impressions ? (Number(row.viewable_impressions) / impressions) * 100 : 0,
              reach: Number(row.unique_ips),
            },
            enteredBy: 'lambda-tracking-sync',
            enteredAt: now,
            updatedAt: now,
          },
          $setOnInsert: { createdAt: now },
        },
        { upsert: true },
      );
      stats.synced++;
    } catch {
      stats.errors++;
    }
  }
  return stats;
}
