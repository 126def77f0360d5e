import { isIsoDate } from './dateRange';
import { normalizePublicationCode } from './publicationCodes';
import type { TrackingCounts } from './metrics';

/** One row of ad_tracking.daily_aggregates, validated and typed. */
export interface TrackingRow extends TrackingCounts {
  reportDate: string;
  creativeId: string;
  /** Lower-cased [a-z0-9_-]{1,64}. */
  publicationCode: string;
  channel: string | null;
  adSize: string | null;
}

export type ParsedTrackingRow =
  | { ok: true; row: TrackingRow }
  | { ok: false; reason: string; creativeId: string | null; publicationCode: string | null };

const MAX_CREATIVE_ID_LENGTH = 256;

/** A count column: Athena gives strings or numbers by type, DuckDB gives BigInt for BIGINT. */
function toCount(value: unknown): number | null {
  let count: number;
  if (typeof value === 'bigint') count = Number(value);
  else if (typeof value === 'number') count = value;
  else if (typeof value === 'string' && /^\d+$/.test(value)) count = Number(value);
  else return null;
  return Number.isSafeInteger(count) && count >= 0 ? count : null;
}

function optionalText(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

/**
 * Validates a raw analytics row. A bad row is reported with the reason and whatever ids it
 * had, so the sync counts it as an error and logs it without stopping the batch.
 */
export function parseTrackingRow(raw: Record<string, unknown>): ParsedTrackingRow {
  const creativeId = optionalText(raw.creative_id);
  const rawCode = optionalText(raw.publication_code);
  const fail = (reason: string): ParsedTrackingRow => ({ ok: false, reason, creativeId, publicationCode: rawCode });
  const reportDate = raw.report_date instanceof Date ? raw.report_date.toISOString().slice(0, 10) : raw.report_date;
  if (typeof reportDate !== 'string' || !isIsoDate(reportDate)) return fail('report_date is not YYYY-MM-DD');
  if (!creativeId || creativeId.length > MAX_CREATIVE_ID_LENGTH) return fail('creative_id is missing or too long');
  const publicationCode = normalizePublicationCode(rawCode);
  if (!publicationCode) return fail('publication_code is not [a-z0-9_-]{1,64}');
  const impressions = toCount(raw.impressions);
  const clicks = toCount(raw.clicks);
  const viewableImpressions = toCount(raw.viewable_impressions);
  const uniqueIps = toCount(raw.unique_ips);
  if (impressions === null || clicks === null || viewableImpressions === null || uniqueIps === null) {
    return fail('a count is not a non-negative integer');
  }
  return {
    ok: true,
    row: {
      reportDate,
      creativeId,
      publicationCode,
      channel: optionalText(raw.channel),
      adSize: optionalText(raw.ad_size),
      impressions,
      clicks,
      viewableImpressions,
      uniqueIps,
    },
  };
}
