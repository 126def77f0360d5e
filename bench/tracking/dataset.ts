import type { Db } from '../../src/datasources/store';
import type { AnalyticsPort, AnalyticsRow } from '../../src/datasources/analytics/port';
import { DEFAULT_PUBLICATION_CODES } from '../../src/services/tracking/publicationCodes';
import { seededRandom } from '../../src/services/seededRandom';

const CODES = Object.keys(DEFAULT_PUBLICATION_CODES);
const SCRIPTED_CHANNELS = ['website', 'newsletter_image', 'newsletter_text', 'streaming'];

/** Order i: campaign `camp{i}` on one of the seed's publications. */
function orderOf(i: number) {
  const code = CODES[i % CODES.length];
  return { campaignId: `camp${String(i).padStart(5, '0')}`, code, publicationId: DEFAULT_PUBLICATION_CODES[code] };
}

/**
 * The bench's store: `orders` insertion orders, each with four scripted creatives (strategy 1)
 * and one creative found by its id (strategy 2), so every row lands on its own entry.
 */
export async function writeOrders(db: Db, orders: number): Promise<void> {
  const orderDocs = [];
  const scripts = [];
  for (let i = 0; i < orders; i++) {
    const { campaignId, code, publicationId } = orderOf(i);
    orderDocs.push({
      campaignId,
      publicationId,
      publicationName: code,
      selectedInventory: {
        publications: [
          {
            publicationId,
            inventoryItems: [{ itemPath: `display-${campaignId}`, itemName: 'Display', channel: 'website' }],
          },
        ],
      },
    });
    for (const channel of SCRIPTED_CHANNELS) {
      scripts.push({
        creativeId: `cr_${campaignId}_${channel}`,
        publicationId,
        campaignId,
        channel,
        creative: { name: `${campaignId} ${channel}` },
      });
    }
  }
  for (let i = 0; i < orderDocs.length; i += 1000)
    await db.collection('publication_insertion_orders').insertMany(orderDocs.slice(i, i + 1000));
  for (let i = 0; i < scripts.length; i += 1000)
    await db.collection('tracking_scripts').insertMany(scripts.slice(i, i + 1000));
}

/** daily_aggregates rows in the query's order (day, publication, creative). */
export function aggregateRows(orders: number, rows: number): AnalyticsRow[] {
  const next = seededRandom(42);
  const perDay = orders * (SCRIPTED_CHANNELS.length + 1);
  const days = Math.ceil(rows / perDay);
  const result: AnalyticsRow[] = [];
  for (let d = 0; d < days && result.length < rows; d++) {
    const date = new Date(Date.UTC(2025, 11, 1 + d)).toISOString().slice(0, 10);
    const dayRows: AnalyticsRow[] = [];
    for (let i = 0; i < orders; i++) {
      const { campaignId, code } = orderOf(i);
      const creatives = [...SCRIPTED_CHANNELS.map((c) => `cr_${campaignId}_${c}`), `creative_${campaignId}_display`];
      for (const creativeId of creatives) {
        const impressions = 50 + Math.floor(next() * 5000);
        dayRows.push({
          report_date: date,
          creative_id: creativeId,
          publication_code: code,
          channel: 'website',
          ad_size: '300x250',
          impressions,
          clicks: Math.floor(impressions * next() * 0.03),
          viewable_impressions: Math.floor(impressions * next()),
          unique_ips: Math.floor(impressions * 0.8),
        });
      }
    }
    dayRows.sort((a, b) =>
      `${a.publication_code}|${a.creative_id}`.localeCompare(`${b.publication_code}|${b.creative_id}`),
    );
    result.push(...dayRows.slice(0, rows - result.length));
  }
  return result;
}

/** An analytics port over rows in memory: the bench measures the sync, not DuckDB's CSV reading. */
export function memoryAnalytics(rows: readonly AnalyticsRow[]): AnalyticsPort {
  return {
    engine: 'duckdb',
    async *query() {
      yield* rows;
    },
    async close() {},
  };
}
