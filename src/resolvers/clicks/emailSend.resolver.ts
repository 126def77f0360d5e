import { Arg, Authorized, Ctx, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import { Role } from '../../auth/roles';
import type { GraphQLContext } from '../../context';
import { Category, ClickTotals, EmailUrl, LinkClicks } from '../../schema/clicks/clickModels.type';
import { EmailSend } from '../../schema/clicks/emailSend.type';
import type { ClickServices } from '../../services/clicks/clickServices';
import { loadCategory, loadSend, loadSendLinks, loadSendTotals, loadUrl } from './clickLoaders';

@Resolver(() => EmailSend)
export class EmailSendResolver {
  constructor(private readonly clicks: ClickServices) {}

  @Authorized(Role.VIEWER)
  @Query(() => EmailSend, {
    nullable: true,
    description: 'A send (JobID of one business unit) with its links and click totals',
  })
  emailSend(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext) {
    return loadSend(ctx, this.clicks, id);
  }

  @FieldResolver(() => Category, { nullable: true })
  category(@Root() send: EmailSend, @Ctx() ctx: GraphQLContext) {
    return loadCategory(ctx, this.clicks, send.categoryId);
  }

  @FieldResolver(() => [LinkClicks])
  urls(@Root() send: EmailSend, @Ctx() ctx: GraphQLContext) {
    return loadSendLinks(ctx, this.clicks, send.id);
  }

  @FieldResolver(() => ClickTotals)
  stats(@Root() send: EmailSend, @Ctx() ctx: GraphQLContext) {
    return loadSendTotals(ctx, this.clicks, send.id);
  }
}

@Resolver(() => LinkClicks)
export class LinkClicksResolver {
  constructor(private readonly clicks: ClickServices) {}

  @FieldResolver(() => EmailUrl, { nullable: true })
  url(@Root() link: LinkClicks, @Ctx() ctx: GraphQLContext) {
    return loadUrl(ctx, this.clicks, link.urlId);
  }
}

@Resolver(() => Category)
export class CategoryResolver {
  constructor(private readonly clicks: ClickServices) {}

  @FieldResolver(() => Category, { nullable: true })
  parent(@Root() category: Category, @Ctx() ctx: GraphQLContext) {
    return loadCategory(ctx, this.clicks, category.parentId);
  }
}
