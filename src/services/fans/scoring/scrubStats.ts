import { SCRUB_REASONS, type ScrubReason } from './reasons';

/** One market's rows in a scored file: the fans' rows that reached their entry. */
export interface MarketScrubStats {
  campaignId: string;
  /** The entry's market; null for an entry without one. */
  market: string | null;
  rows: number;
  kept: number;
  dropped: number;
}

/** What a scored file held and what the scrub made of it: the job's result and the Slack message. */
export interface ScrubStats {
  rows: number;
  /** Rows kept with verdict null (not decided). */
  kept: number;
  /** Rows of fans already selected (verdict true), left as they are. */
  selected: number;
  /** Rows given verdict false. */
  dropped: number;
  /** Dropped (and ALREADY_SELECTED) rows by reason, every reason listed. */
  byReason: Record<ScrubReason, number>;
  perMarket: MarketScrubStats[];
}

/** Counts rows as the scrub decides them. */
export class ScrubCounter {
  rows = 0;
  kept = 0;
  selected = 0;
  dropped = 0;
  private readonly byReason = Object.fromEntries(SCRUB_REASONS.map((reason) => [reason, 0])) as Record<
    ScrubReason,
    number
  >;
  private readonly markets = new Map<string, MarketScrubStats>();

  /** A row's outcome: reason null is kept; `market` is given for rows that reached their entry. */
  count(reason: ScrubReason | null, market?: { campaignId: string; market: string | null }): void {
    this.rows += 1;
    if (reason === null) this.kept += 1;
    else {
      this.byReason[reason] += 1;
      if (reason === 'ALREADY_SELECTED') this.selected += 1;
      else this.dropped += 1;
    }
    if (!market) return;
    const key = `${market.campaignId}\t${market.market ?? ''}`;
    let stats = this.markets.get(key);
    if (!stats) {
      stats = { campaignId: market.campaignId, market: market.market, rows: 0, kept: 0, dropped: 0 };
      this.markets.set(key, stats);
    }
    stats.rows += 1;
    if (reason === null) stats.kept += 1;
    else if (reason !== 'ALREADY_SELECTED') stats.dropped += 1;
  }

  result(): ScrubStats {
    const perMarket = [...this.markets.values()].sort(
      (a, b) => a.campaignId.localeCompare(b.campaignId) || (a.market ?? '').localeCompare(b.market ?? ''),
    );
    const { rows, kept, selected, dropped } = this;
    return { rows, kept, selected, dropped, byReason: { ...this.byReason }, perMarket };
  }
}

/** The stats as flat job counters (a job's stats are numbers by name): rows, kept, ..., reason_<REASON>. */
export function scrubCounters(stats: ScrubStats): Record<string, number> {
  const counters: Record<string, number> = {
    rows: stats.rows,
    kept: stats.kept,
    selected: stats.selected,
    dropped: stats.dropped,
  };
  for (const [reason, count] of Object.entries(stats.byReason)) counters[`reason_${reason}`] = count;
  return counters;
}

/** The Slack message of a scrubbed file: totals, the reasons that dropped rows, then each market. */
export function scrubSummaryText(source: string, stats: ScrubStats): string {
  const lines = [
    `*Scored file scrubbed*: \`${source}\``,
    `${stats.rows} rows: ${stats.kept} kept, ${stats.dropped} dropped, ${stats.selected} already selected`,
  ];
  const reasons = Object.entries(stats.byReason).filter(([, count]) => count > 0);
  if (reasons.length > 0) lines.push(`Reasons: ${reasons.map(([reason, count]) => `${reason} ${count}`).join(', ')}`);
  for (const market of stats.perMarket) {
    lines.push(
      `• ${market.campaignId} / ${market.market ?? '(no market)'}: ${market.rows} rows, ` +
        `${market.kept} kept, ${market.dropped} dropped`,
    );
  }
  return lines.join('\n');
}
