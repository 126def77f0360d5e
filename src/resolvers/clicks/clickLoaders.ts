import type { GraphQLContext } from '../../context';
import {
  CLICK_EVENTS,
  type CategoryDocument,
  type EmailSendDocument,
  type EmailUrlDocument,
  type SubscriberDocument,
} from '../../services/clicks/clickModels';
import { Category, ClickTotals, EmailUrl, LinkClicks, Subscriber } from '../../schema/clicks/clickModels.type';
import { EmailSend } from '../../schema/clicks/emailSend.type';

/** Related documents of click results, one batched query per collection per request. */
export const loadSend = async (ctx: GraphQLContext, id: string | undefined) => {
  const doc = id ? await ctx.loaders.byId<EmailSendDocument>('email_sends').load(id) : null;
  return doc ? EmailSend.fromDocument(doc) : null;
};

export const loadUrl = async (ctx: GraphQLContext, id: string | undefined) => {
  const doc = id ? await ctx.loaders.byId<EmailUrlDocument>('email_urls').load(id) : null;
  return doc ? EmailUrl.fromDocument(doc) : null;
};

export const loadSubscriber = async (ctx: GraphQLContext, id: string | undefined) => {
  const doc = id ? await ctx.loaders.byId<SubscriberDocument>('subscribers').load(id) : null;
  return doc ? Subscriber.fromDocument(doc) : null;
};

export const loadCategory = async (ctx: GraphQLContext, id: string | undefined) => {
  const doc = id ? await ctx.loaders.byId<CategoryDocument>('categories').load(id) : null;
  return doc ? Category.fromDocument(doc) : null;
};

interface SendUrlRow {
  _id: { send: string; url: string };
  totalClicks: number;
  clickers: string[];
}

/** Links of several sends with their clicks: one aggregation for all sends of a request. */
export const loadSendLinks = (ctx: GraphQLContext, sendId: string) =>
  ctx.loaders
    .custom<string, LinkClicks[]>('clicks:sendLinks', async (ids) => {
      const rows = await ctx.app.db
        .collection(CLICK_EVENTS)
        .aggregate<SendUrlRow>([
          { $match: { send: { $in: [...ids] } } },
          { $group: { _id: { send: '$send', url: '$url' }, totalClicks: { $sum: '$n' }, clickers: { $addToSet: '$subscriber' } } },
        ])
        .toArray();
      const bySend = new Map<string, LinkClicks[]>(ids.map((id) => [id, []]));
      for (const row of rows) {
        bySend.get(row._id.send)?.push(Object.assign(new LinkClicks(), { urlId: row._id.url, totalClicks: row.totalClicks, uniqueClickers: row.clickers.length }));
      }
      return ids.map((id) => bySend.get(id)!.sort((a, b) => b.totalClicks - a.totalClicks));
    })
    .load(sendId);

/** Totals of several sends: one aggregation for all sends of a request. */
export const loadSendTotals = (ctx: GraphQLContext, sendId: string) =>
  ctx.loaders
    .custom<string, ClickTotals>('clicks:sendTotals', async (ids) => {
      const rows = await ctx.app.db
        .collection(CLICK_EVENTS)
        .aggregate<{ _id: string; totalClicks: number; clickers: string[] }>([
          { $match: { send: { $in: [...ids] } } },
          { $group: { _id: '$send', totalClicks: { $sum: '$n' }, clickers: { $addToSet: '$subscriber' } } },
        ])
        .toArray();
      const bySend = new Map(rows.map((r) => [r._id, r]));
      return ids.map((id) => {
        const row = bySend.get(id);
        return Object.assign(new ClickTotals(), { totalClicks: row?.totalClicks ?? 0, uniqueClickers: row?.clickers.length ?? 0 });
      });
    })
    .load(sendId);
