import type { Page, PageArgs } from '../pagination';
import {
  exportCampaignRecipients,
  recipientsPage,
  type RecipientExport,
  type RecipientExportDeps,
  type RecipientFilter,
  type RecipientNode,
} from './recipients';
import { campaignStats, type CampaignStats, type StatsRange } from './stats';

/** What the analytics resolvers read: a campaign's stats, who opened or clicked, the CSV of it. */
export class CampaignAnalytics {
  constructor(private readonly deps: RecipientExportDeps) {}

  stats(campaignId: string, range: StatsRange): Promise<CampaignStats> {
    return campaignStats(this.deps.db, campaignId, range);
  }

  recipients<N>(campaignId: string, filter: RecipientFilter, page: PageArgs, node: RecipientNode<N>): Promise<Page<N>> {
    return recipientsPage(this.deps.db, campaignId, filter, page, node);
  }

  exportRecipients(campaignId: string, filter: RecipientFilter): Promise<RecipientExport> {
    return exportCampaignRecipients(this.deps, campaignId, filter);
  }
}
