import { Arg, Authorized, Ctx, FieldResolver, Int, Query, Resolver, Root } from 'type-graphql';
import { Role } from '../../auth/roles';
import type { GraphQLContext } from '../../context';
import { ClickEvent, ClickEventConnection } from '../../schema/clicks/clickEvent.type';
import { EmailUrl, Subscriber } from '../../schema/clicks/clickModels.type';
import { ClickEventFilter } from '../../schema/clicks/clickStats.type';
import { EmailSend } from '../../schema/clicks/emailSend.type';
import { clickEventQuery, listClickEvents } from '../../services/clicks/clickQueries';
import { clickPipeline } from '../../services/clicks/pipeline';
import { loadSend, loadSubscriber, loadUrl } from './clickLoaders';

@Resolver(() => ClickEvent)
export class ClickEventResolver {
  @Authorized(Role.VIEWER)
  @Query(() => ClickEventConnection, { description: 'Aggregated click events, latest reporting day first' })
  async clickEvents(
    @Ctx() ctx: GraphQLContext,
    @Arg('filter', () => ClickEventFilter, { nullable: true }) filter?: ClickEventFilter | null,
    @Arg('first', () => Int, { nullable: true }) first?: number | null,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
  ): Promise<ClickEventConnection> {
    const { sfmc, calendar, db } = clickPipeline(ctx.app);
    const query = clickEventQuery(filter ?? {}, await sfmc.businessUnits(), calendar);
    return listClickEvents(db, query, { first, after }, (doc) => ClickEvent.fromDocument(doc, calendar));
  }

  @FieldResolver(() => EmailSend, { nullable: true })
  send(@Root() event: ClickEvent, @Ctx() ctx: GraphQLContext) {
    return loadSend(ctx, event.sendId);
  }

  @FieldResolver(() => EmailUrl, { nullable: true })
  url(@Root() event: ClickEvent, @Ctx() ctx: GraphQLContext) {
    return loadUrl(ctx, event.urlId);
  }

  @FieldResolver(() => Subscriber, { nullable: true })
  subscriber(@Root() event: ClickEvent, @Ctx() ctx: GraphQLContext) {
    return loadSubscriber(ctx, event.subscriberId);
  }
}
