import { Args, Authorized, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import { Role } from '../../auth/roles';
import type { GraphQLContext } from '../../context';
import { ClickEvent, ClickEventConnection, ClickEventsArgs } from '../../schema/clicks/clickEvent.type';
import { EmailUrl, Subscriber } from '../../schema/clicks/clickModels.type';
import { EmailSend } from '../../schema/clicks/emailSend.type';
import type { ClickServices } from '../../services/clicks/clickServices';
import { loadSend, loadSubscriber, loadUrl } from './clickLoaders';

@Resolver(() => ClickEvent)
export class ClickEventResolver {
  constructor(private readonly clicks: ClickServices) {}

  @Authorized(Role.VIEWER)
  @Query(() => ClickEventConnection, { description: 'Aggregated click events, latest reporting day first' })
  clickEvents(@Args() { filter, ...page }: ClickEventsArgs): Promise<ClickEventConnection> {
    const { calendar } = this.clicks.pipeline;
    return this.clicks.queries.events(filter ?? {}, page, (doc) => ClickEvent.fromDocument(doc, calendar));
  }

  @FieldResolver(() => EmailSend, { nullable: true })
  send(@Root() event: ClickEvent, @Ctx() ctx: GraphQLContext) {
    return loadSend(ctx, this.clicks, event.sendId);
  }

  @FieldResolver(() => EmailUrl, { nullable: true })
  url(@Root() event: ClickEvent, @Ctx() ctx: GraphQLContext) {
    return loadUrl(ctx, this.clicks, event.urlId);
  }

  @FieldResolver(() => Subscriber, { nullable: true })
  subscriber(@Root() event: ClickEvent, @Ctx() ctx: GraphQLContext) {
    return loadSubscriber(ctx, this.clicks, event.subscriberId);
  }
}
