import { Arg, Authorized, Ctx, FieldResolver, Int, Query, Resolver, Root } from 'type-graphql';
import { Role } from '../../auth/roles';
import type { GraphQLContext } from '../../context';
import { badInput } from '../../errors';
import { EmailUrl, LinkClicks, Subscriber } from '../../schema/clicks/clickModels.type';
import { ClickEventFilter, ClickGroupByValue, ClickStats, ClickStatsGroup } from '../../schema/clicks/clickStats.type';
import { EmailSend } from '../../schema/clicks/emailSend.type';
import { clickEventQuery, clickStats } from '../../services/clicks/clickQueries';
import { clickPipeline } from '../../services/clicks/pipeline';
import { loadSend, loadSubscriber, loadUrl } from './clickLoaders';

const MAX_GROUPS = 1000;
const MAX_TOP_LINKS = 100;

@Resolver(() => ClickStats)
export class ClickStatsResolver {
  @Authorized(Role.VIEWER)
  @Query(() => ClickStats, { description: 'Total clicks (sum of n), distinct clickers and top links, overall and per group' })
  async clickStats(
    @Ctx() ctx: GraphQLContext,
    @Arg('filter', () => ClickEventFilter, { nullable: true }) filter?: ClickEventFilter | null,
    @Arg('groupBy', () => [ClickGroupByValue], { nullable: true }) groupBy?: ClickGroupByValue[] | null,
    @Arg('groupLimit', () => Int, { nullable: true, description: `Groups returned (default 100, at most ${MAX_GROUPS})` }) groupLimit?: number | null,
    @Arg('topLinks', () => Int, { nullable: true, description: `Links returned (default 10, at most ${MAX_TOP_LINKS})` }) topLinks?: number | null,
  ): Promise<ClickStats> {
    const groups = groupLimit ?? 100;
    const links = topLinks ?? 10;
    if (groups < 1 || groups > MAX_GROUPS) throw badInput(`groupLimit: between 1 and ${MAX_GROUPS}`, 'groupLimit');
    if (links < 0 || links > MAX_TOP_LINKS) throw badInput(`topLinks: between 0 and ${MAX_TOP_LINKS}`, 'topLinks');
    const { sfmc, calendar, db } = clickPipeline(ctx.app);
    const query = clickEventQuery(filter ?? {}, await sfmc.businessUnits(), calendar);
    const stats = await clickStats(db, query, groupBy ?? [], { groups, topLinks: Math.max(links, 1) });
    return Object.assign(new ClickStats(), {
      totalClicks: stats.totalClicks,
      uniqueClickers: stats.uniqueClickers,
      groups: stats.groups.map((g) =>
        Object.assign(new ClickStatsGroup(), {
          totalClicks: g.totalClicks,
          uniqueClickers: g.uniqueClickers,
          day: g.day ? calendar.dateOf(g.day) : undefined,
          bu: g.bu,
          sendId: g.send,
          urlId: g.url,
          subscriberId: g.subscriber,
        }),
      ),
      topLinks: stats.topLinks.slice(0, links).map((l) => Object.assign(new LinkClicks(), { urlId: l.url, totalClicks: l.totalClicks, uniqueClickers: l.uniqueClickers })),
    });
  }
}

@Resolver(() => ClickStatsGroup)
export class ClickStatsGroupResolver {
  @FieldResolver(() => EmailSend, { nullable: true })
  send(@Root() group: ClickStatsGroup, @Ctx() ctx: GraphQLContext) {
    return loadSend(ctx, group.sendId);
  }

  @FieldResolver(() => EmailUrl, { nullable: true })
  url(@Root() group: ClickStatsGroup, @Ctx() ctx: GraphQLContext) {
    return loadUrl(ctx, group.urlId);
  }

  @FieldResolver(() => Subscriber, { nullable: true })
  subscriber(@Root() group: ClickStatsGroup, @Ctx() ctx: GraphQLContext) {
    return loadSubscriber(ctx, group.subscriberId);
  }
}
