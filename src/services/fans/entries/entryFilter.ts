import type { Document } from '../../../datasources/store';
import { badInput } from '../../../errors';
import { marketOf } from '../campaignDirectory';
import type { FanCampaignDoc } from '../model';

export type VerdictFilter = 'SELECTED' | 'DROPPED' | 'UNDECIDED';

/** Entries matching every condition given. */
export interface EntryFilter {
  /** Entries whose first preference is this market. */
  market?: string | null;
  verdict?: VerdictFilter | null;
  /** Score at least this (in [0, 1]); unscored entries never match. */
  minScore?: number | null;
  /** true: entries given a code; false: entries without one. */
  hasCode?: boolean | null;
}

const storedVerdict: Record<VerdictFilter, boolean | null> = { SELECTED: true, DROPPED: false, UNDECIDED: null };

/** The filter's conditions on an entry, checked against the campaign (a market it lacks is bad input). */
export function entryConditions(campaign: FanCampaignDoc, filter: EntryFilter): Document {
  const conditions: Document = {};
  if (filter.market != null) {
    if (!marketOf(campaign, filter.market)) {
      throw badInput(`filter.market: fan campaign ${campaign._id} has no market ${filter.market}`, 'filter.market');
    }
    conditions.market = filter.market;
  }
  if (filter.verdict != null) conditions.verdict = storedVerdict[filter.verdict];
  if (filter.minScore != null) {
    if (!Number.isFinite(filter.minScore) || filter.minScore < 0 || filter.minScore > 1) {
      throw badInput('filter.minScore: between 0 and 1', 'filter.minScore');
    }
    conditions.score = { $gte: filter.minScore };
  }
  if (filter.hasCode != null) conditions.code = filter.hasCode ? { $ne: null } : null;
  return conditions;
}
