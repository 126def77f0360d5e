import { FieldResolver, Resolver, Root } from 'type-graphql';
import { CampaignStats } from '../../schema/campaigns/analytics.type';
import { CampaignTextStats } from '../../schema/campaigns/sms.type';
import type { CampaignServices } from '../../services/campaigns/services';

/** The texts of a MOBILE campaign, beside its engagement figures. */
@Resolver(() => CampaignStats)
export class CampaignTextStatsResolver {
  constructor(private readonly campaigns: CampaignServices) {}

  @FieldResolver(() => CampaignTextStats, {
    nullable: true,
    description: 'MOBILE campaigns once launched: who got no text and why, then sent, delivered, failed...',
  })
  async sms(@Root() stats: CampaignStats): Promise<CampaignTextStats | null> {
    const texts = await this.campaigns.texts.stats(stats.campaignId);
    return texts ? CampaignTextStats.fromStats(texts) : null;
  }
}
