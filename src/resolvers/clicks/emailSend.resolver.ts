import { Arg, Authorized, Ctx, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import { Role } from '../../auth/roles';
import type { GraphQLContext } from '../../context';
import { Category, ClickTotals, EmailUrl, LinkClicks } from '../../schema/clicks/clickModels.type';
import { EmailSend } from '../../schema/clicks/emailSend.type';
import { loadCategory, loadSend, loadSendLinks, loadSendTotals, loadUrl } from './clickLoaders';

@Resolver(() => EmailSend)
export class EmailSendResolver {
  @Authorized(Role.VIEWER)
  @Query(() => EmailSend, { nullable: true, description: 'A send (JobID of one business unit) with its links and click totals' })
  emailSend(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext) {
    return loadSend(ctx, id);
  }

  @FieldResolver(() => Category, { nullable: true })
  category(@Root() send: EmailSend, @Ctx() ctx: GraphQLContext) {
    return loadCategory(ctx, send.categoryId);
  }

  @FieldResolver(() => [LinkClicks])
  urls(@Root() send: EmailSend, @Ctx() ctx: GraphQLContext) {
    return loadSendLinks(ctx, send.id);
  }

  @FieldResolver(() => ClickTotals)
  stats(@Root() send: EmailSend, @Ctx() ctx: GraphQLContext) {
    return loadSendTotals(ctx, send.id);
  }
}

@Resolver(() => LinkClicks)
export class LinkClicksResolver {
  @FieldResolver(() => EmailUrl, { nullable: true })
  url(@Root() link: LinkClicks, @Ctx() ctx: GraphQLContext) {
    return loadUrl(ctx, link.urlId);
  }
}

@Resolver(() => Category)
export class CategoryResolver {
  @FieldResolver(() => Category, { nullable: true })
  parent(@Root() category: Category, @Ctx() ctx: GraphQLContext) {
    return loadCategory(ctx, category.parentId);
  }
}
