import type { GraphQLContext } from '../../context';
import { Category, ClickTotals, EmailUrl, LinkClicks, Subscriber } from '../../schema/clicks/clickModels.type';
import { EmailSend } from '../../schema/clicks/emailSend.type';
import type { ClickServices } from '../../services/clicks/clickServices';

/** The request's DataLoader `name`: every key asked for in one response goes to one `batch` call. */
function load<V>(
  ctx: GraphQLContext,
  name: string,
  batch: (ids: readonly string[]) => Promise<V[]>,
  id: string,
): Promise<V> {
  return ctx.loaders.custom<string, V>(name, batch).load(id);
}

/** Related models of click results, each kind read with one click-service call per request. */
export const loadSend = async (ctx: GraphQLContext, clicks: ClickServices, id: string | undefined) => {
  const doc = id ? await load(ctx, 'clicks:sends', (ids) => clicks.models.sends(ids), id) : null;
  return doc ? EmailSend.fromDocument(doc) : null;
};

export const loadUrl = async (ctx: GraphQLContext, clicks: ClickServices, id: string | undefined) => {
  const doc = id ? await load(ctx, 'clicks:urls', (ids) => clicks.models.urls(ids), id) : null;
  return doc ? EmailUrl.fromDocument(doc) : null;
};

export const loadSubscriber = async (ctx: GraphQLContext, clicks: ClickServices, id: string | undefined) => {
  const doc = id ? await load(ctx, 'clicks:subscribers', (ids) => clicks.models.subscribers(ids), id) : null;
  return doc ? Subscriber.fromDocument(doc) : null;
};

export const loadCategory = async (ctx: GraphQLContext, clicks: ClickServices, id: string | undefined) => {
  const doc = id ? await load(ctx, 'clicks:categories', (ids) => clicks.models.categories(ids), id) : null;
  return doc ? Category.fromDocument(doc) : null;
};

/** The links of a send with their clicks, most clicked first. */
export const loadSendLinks = async (ctx: GraphQLContext, clicks: ClickServices, sendId: string) => {
  const links = await load(ctx, 'clicks:sendLinks', (ids) => clicks.models.sendLinks(ids), sendId);
  return links.map((link) => LinkClicks.fromLink(link));
};

export const loadSendTotals = async (ctx: GraphQLContext, clicks: ClickServices, sendId: string) => {
  const totals = await load(ctx, 'clicks:sendTotals', (ids) => clicks.models.sendTotals(ids), sendId);
  return Object.assign(new ClickTotals(), totals);
};
