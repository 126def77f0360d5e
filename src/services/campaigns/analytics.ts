import type { RememberedFigures } from '../../datasources/rememberedFigures';
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

/**
 * What the analytics resolvers read: a campaign's stats, who opened or clicked, the CSV of it.
 * With `figures`, what the stats since creation and the pages of recipients are made of is read
 * once per change to the collections it comes from.
 */
export class CampaignAnalytics {
  constructor(
    private readonly deps: RecipientExportDeps,
    private readonly figures?: RememberedFigures,
  ) {}

  stats(campaignId: string, range: StatsRange): Promise<CampaignStats> {
    return campaignStats(this.deps.db, campaignId, range, new Date(), this.figures);
  }

  recipients<N>(campaignId: string, filter: RecipientFilter, page: PageArgs, node: RecipientNode<N>): Promise<Page<N>> {
    return recipientsPage(this.deps.db, campaignId, filter, page, node, this.figures);
  }

  exportRecipients(campaignId: string, filter: RecipientFilter): Promise<RecipientExport> {
    return exportCampaignRecipients(this.deps, campaignId, filter);
  }
}
