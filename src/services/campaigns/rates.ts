/** Pure arithmetic of campaign analytics: every rate comes from counts, and 0/0 is 0. */

export function rate(numerator: number, denominator: number): number {
  return denominator > 0 ? numerator / denominator : 0;
}

export interface EngagementCounts {
  audienceSize: number;
  sent: number;
  uniqueOpens: number;
  totalClicks: number;
  uniqueClicks: number;
  conversions: number;
}

export interface EngagementRates {
  /** Unique openers per message sent. */
  openRate: number;
  /** Unique clickers per message sent. */
  clickRate: number;
  /** Unique clickers per unique opener. */
  clickToOpenRate: number;
  /** Converted recipients per message sent. */
  conversionRate: number;
}

export function engagementRates(counts: EngagementCounts): EngagementRates {
  return {
    openRate: rate(counts.uniqueOpens, counts.sent),
    clickRate: rate(counts.uniqueClicks, counts.sent),
    clickToOpenRate: rate(counts.uniqueClicks, counts.uniqueOpens),
    conversionRate: rate(counts.conversions, counts.sent),
  };
}

export type Granularity = 'HOUR' | 'DAY';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** Ranges shorter than this are shown by the hour, longer ones by the day. */
const HOURLY_BELOW_MS = 7 * DAY_MS;
export const MAX_BUCKETS = 1000;

export function granularityFor(from: Date, to: Date): Granularity {
  return to.getTime() - from.getTime() < HOURLY_BELOW_MS ? 'HOUR' : 'DAY';
}

export function bucketMs(granularity: Granularity): number {
  return granularity === 'HOUR' ? HOUR_MS : DAY_MS;
}

/** Start times (UTC) of every bucket that overlaps [from, to). */
export function bucketStarts(from: Date, to: Date, granularity: Granularity): Date[] {
  const size = bucketMs(granularity);
  const starts: Date[] = [];
  for (let t = Math.floor(from.getTime() / size) * size; t < to.getTime() && starts.length < MAX_BUCKETS; t += size) {
    starts.push(new Date(t));
  }
  return starts;
}
