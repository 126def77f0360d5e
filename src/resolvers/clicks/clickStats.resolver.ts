import { Arg, Authorized, Ctx, FieldResolver, Int, Query, Resolver, Root } from 'type-graphql';
import { Role } from '../../auth/roles';
import type { GraphQLContext } from '../../context';
import { EmailUrl, LinkClicks, Subscriber } from '../../schema/clicks/clickModels.type';
import { ClickEventFilter, ClickGroupByValue, ClickStats, ClickStatsGroup } from '../../schema/clicks/clickStats.type';
import { EmailSend } from '../../schema/clicks/emailSend.type';
import type { ClickServices } from '../../services/clicks/clickServices';
import { DEFAULT_GROUPS, DEFAULT_TOP_LINKS, MAX_GROUPS, MAX_TOP_LINKS } from '../../services/clicks/clickStats';
import { loadSend, loadSubscriber, loadUrl } from './clickLoaders';

const groupLimitDescription = `Groups returned (default ${DEFAULT_GROUPS}, at most ${MAX_GROUPS})`;
const topLinksDescription = `Links returned (default ${DEFAULT_TOP_LINKS}, at most ${MAX_TOP_LINKS})`;

@Resolver(() => ClickStats)
export class ClickStatsResolver {
  constructor(private readonly clicks: ClickServices) {}

  @Authorized(Role.VIEWER)
  @Query(() => ClickStats, {
    description: 'Total clicks (sum of n), distinct clickers and top links, overall and per group',
  })
  async clickStats(
    @Arg('filter', () => ClickEventFilter, { nullable: true }) filter?: ClickEventFilter | null,
    @Arg('groupBy', () => [ClickGroupByValue], { nullable: true }) groupBy?: ClickGroupByValue[] | null,
    @Arg('groupLimit', () => Int, { nullable: true, description: groupLimitDescription }) groupLimit?: number | null,
    @Arg('topLinks', () => Int, { nullable: true, description: topLinksDescription }) topLinks?: number | null,
  ): Promise<ClickStats> {
    const answer = await this.clicks.queries.stats(filter ?? {}, groupBy ?? [], { groupLimit, topLinks });
    return Object.assign(new ClickStats(), { answer });
  }

  @FieldResolver(() => Int, { description: 'Sum of n: distinct click event ids' })
  totalClicks(@Root() stats: ClickStats): Promise<number> {
    return stats.answer.totalClicks();
  }

  @FieldResolver(() => Int, { description: 'Distinct subscribers who clicked' })
  uniqueClickers(@Root() stats: ClickStats): Promise<number> {
    return stats.answer.uniqueClickers();
  }

  @FieldResolver(() => [ClickStatsGroup], { description: 'Per group, most clicks first' })
  async groups(@Root() stats: ClickStats): Promise<ClickStatsGroup[]> {
    const { calendar } = this.clicks.pipeline;
    return (await stats.answer.groups()).map((g) =>
      Object.assign(new ClickStatsGroup(), {
        totalClicks: g.totalClicks,
        uniqueClickers: g.uniqueClickers,
        day: g.day ? calendar.dateOf(g.day) : undefined,
        bu: g.bu,
        sendId: g.send,
        urlId: g.url,
        subscriberId: g.subscriber,
      }),
    );
  }

  @FieldResolver(() => [LinkClicks], { description: 'Most clicked links first' })
  async topLinks(@Root() stats: ClickStats): Promise<LinkClicks[]> {
    return (await stats.answer.topLinks()).map((link) => LinkClicks.fromLink(link));
  }
}

@Resolver(() => ClickStatsGroup)
export class ClickStatsGroupResolver {
  constructor(private readonly clicks: ClickServices) {}

  @FieldResolver(() => EmailSend, { nullable: true })
  send(@Root() group: ClickStatsGroup, @Ctx() ctx: GraphQLContext) {
    return loadSend(ctx, this.clicks, group.sendId);
  }

  @FieldResolver(() => EmailUrl, { nullable: true })
  url(@Root() group: ClickStatsGroup, @Ctx() ctx: GraphQLContext) {
    return loadUrl(ctx, this.clicks, group.urlId);
  }

  @FieldResolver(() => Subscriber, { nullable: true })
  subscriber(@Root() group: ClickStatsGroup, @Ctx() ctx: GraphQLContext) {
    return loadSubscriber(ctx, this.clicks, group.subscriberId);
  }
}
