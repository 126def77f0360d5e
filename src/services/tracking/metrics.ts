/** The counts of one daily_aggregates row. */
export interface TrackingCounts {
  impressions: number;
  clicks: number;
  viewableImpressions: number;
  uniqueIps: number;
}

/** What a performance entry stores in `metrics`. */
export interface PerformanceMetrics {
  impressions: number;
  clicks: number;
  /** Stored so summaries sum it exactly instead of averaging viewability ratios. */
  viewableImpressions: number;
  ctr: number;
  viewability: number;
  reach: number;
}

export function roundTo2(value: number): number {
  return Math.round((value + Number.EPSILON) * 100) / 100;
}

/** part / whole * 100 rounded to 2 decimals; 0 when there is nothing to divide by. */
export function percentage(part: number, whole: number): number {
  return whole > 0 ? roundTo2((part / whole) * 100) : 0;
}

/** ctr = clicks / impressions * 100, viewability = viewable / impressions * 100, reach = unique IPs. */
export function computeMetrics(counts: TrackingCounts): PerformanceMetrics {
  return {
    impressions: counts.impressions,
    clicks: counts.clicks,
    viewableImpressions: counts.viewableImpressions,
    ctr: percentage(counts.clicks, counts.impressions),
    viewability: percentage(counts.viewableImpressions, counts.impressions),
    reach: counts.uniqueIps,
  };
}
