import { Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import type { GraphQLContext } from '../../context';
import { Market } from '../../schema/fans/campaign.type';
import type { FanServices } from '../../services/fans/services';

/** A market's registrations against its limit: the campaign's kept counts, read once per request. */
@Resolver(() => Market)
export class FanCampaignMarketResolver {
  constructor(private readonly services: FanServices) {}

  @FieldResolver(() => Int, { description: 'Entries preferring this market first' })
  registrations(@Root() market: Market, @Ctx() context: GraphQLContext): Promise<number> {
    return this.registrationCount(market, context);
  }

  @FieldResolver(() => Int, {
    nullable: true,
    description: 'registrationLimit minus registrations, at least 0 (null: no limit)',
  })
  async registrationsLeft(@Root() market: Market, @Ctx() context: GraphQLContext): Promise<number | null> {
    if (market.registrationLimit === null) return null;
    return Math.max(0, market.registrationLimit - (await this.registrationCount(market, context)));
  }

  private registrationCount(market: Market, { loaders }: GraphQLContext): Promise<number> {
    const loader = loaders.custom<string, number>('fanMarketRegistrations', async (keys) => {
      const byCampaign = new Map<string, string[]>();
      for (const key of keys) {
        const [campaignId, marketId] = JSON.parse(key) as [string, string];
        byCampaign.set(campaignId, [...(byCampaign.get(campaignId) ?? []), marketId]);
      }
      const counts = new Map<string, number>();
      for (const [campaignId, marketIds] of byCampaign) {
        const perMarket = await this.services.marketCounts.read(campaignId, marketIds);
        for (const [marketId, count] of perMarket) counts.set(JSON.stringify([campaignId, marketId]), count);
      }
      return keys.map((key) => counts.get(key) ?? 0);
    });
    return loader.load(JSON.stringify([market.campaignId, market.id]));
  }
}
