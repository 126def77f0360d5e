import type { AnyBulkWriteOperation, Db } from '../../datasources/store';
import type { ClickEvent } from './clickRow';
import {
  clickCollections,
  type CategoryDocument,
  type EmailSendDocument,
  type EmailUrlDocument,
  type SubscriberDocument,
} from './clickModels';
import { categoryId, memoized, sendId, subscriberId, urlId, urlKey } from './modelIds';

/** The stored ids of a click's send, URL and subscriber. */
export interface ClickRefs {
  send: string;
  url: string;
  subscriber: string;
}

/**
 * Ids of URLs and subscribers this process has written, so later batches skip their upserts:
 * a send's links and its active subscribers recur in every batch, and without this they would
 * be most of the processor's writes. Their optional fields (link name, SubscriberID) are then
 * refreshed only when the id falls out of this bounded set; both are stable in Marketing Cloud.
 * Sends (click times) and categories (names, parents) are always written.
 */
export class KnownModels {
  /** Two generations of half the capacity each: a full set drops only its older half. */
  private recent = new Set<string>();
  private older = new Set<string>();

  constructor(private readonly capacity = 200_000) {}

  has(id: string): boolean {
    return this.recent.has(id) || this.older.has(id);
  }

  remember(ids: Iterable<string>): void {
    for (const id of ids) {
      if (this.recent.has(id)) continue;
      // Rotating rather than clearing: a clear made every active subscriber be written again
      // at once each time the set filled, and the active ones are the recent ones.
      if (this.recent.size >= this.capacity / 2) {
        this.older = this.recent;
        this.recent = new Set();
      }
      this.recent.add(id);
    }
  }
}

/** Each click's refs, in order, and the subscribers this write created. */
export interface RelatedModels {
  refs: ClickRefs[];
  /** Subscribers stored for the first time now: no click event of theirs is stored yet. */
  newSubscribers: Set<string>;
}

/**
 * Upserts the send, URL, subscriber and category of a batch's clicks: one bulkWrite per
 * collection with one operation per distinct natural key (a batch repeats them a lot).
 */
export async function upsertRelatedModels(
  db: Db,
  clicks: ClickEvent[],
  known = new KnownModels(),
  now = new Date(),
): Promise<RelatedModels> {
  const c = clickCollections(db);
  const sendOf = memoized(sendId);
  const urlOf = memoized(urlId);
  const subscriberOf = memoized(subscriberId);
  const sends = new Map<string, { click: ClickEvent; category?: string; first: Date; last: Date }>();
  const urls = new Map<string, AnyBulkWriteOperation<EmailUrlDocument>>();
  const subscribers = new Map<string, AnyBulkWriteOperation<SubscriberDocument>>();
  const categories = new Map<string, AnyBulkWriteOperation<CategoryDocument>>();

  const refs = clicks.map((click) => {
    const ref = {
      send: sendOf(click.bu, click.jobId),
      url: urlOf(click.bu, click.url),
      subscriber: subscriberOf(click.bu, click.subscriberKey),
    };
    const category = click.categoryId ? categoryId(click.bu, click.categoryId) : undefined;
    const seen = sends.get(ref.send);
    sends.set(ref.send, {
      click,
      category: category ?? seen?.category,
      first: seen && seen.first < click.eventDate ? seen.first : click.eventDate,
      last: seen && seen.last > click.eventDate ? seen.last : click.eventDate,
    });
    if (!known.has(ref.url) && !urls.has(ref.url)) urls.set(ref.url, urlUpsert(ref.url, click, now));
    if (!known.has(ref.subscriber) && !subscribers.has(ref.subscriber))
      subscribers.set(ref.subscriber, subscriberUpsert(ref.subscriber, click, now));
    // A category named by a click wins over a stub made for it as some other category's parent.
    if (category) categories.set(category, categoryUpsert(category, click, now));
    if (click.parentCategoryId) {
      const parent = categoryId(click.bu, click.parentCategoryId);
      if (!categories.has(parent)) categories.set(parent, categoryStub(parent, click.bu, click.parentCategoryId, now));
    }
    return ref;
  });
  const sendOps = [...sends].map(([id, seen]) => sendUpsert(id, seen, now));
  // Unordered: the collections are independent and each operation is an idempotent upsert.
  const subscriberIds = [...subscribers.keys()];
  const [, , subscribersWritten] = await Promise.all([
    sendOps.length > 0 && c.sends.bulkWrite(sendOps, { ordered: false }),
    urls.size > 0 && c.urls.bulkWrite([...urls.values()], { ordered: false }),
    subscribers.size > 0 && c.subscribers.bulkWrite([...subscribers.values()], { ordered: false }),
    categories.size > 0 && c.categories.bulkWrite([...categories.values()], { ordered: false }),
  ]);
  known.remember(urls.keys());
  known.remember(subscriberIds);
  // A subscriber's document is written before any of its click events, and stays under its id
  // as long as they do: one created now has none stored.
  const created = subscribersWritten ? Object.keys(subscribersWritten.upsertedIds) : [];
  return { refs, newSubscribers: new Set(created.map((index) => subscriberIds[Number(index)]!)) };
}

function defined<T extends object>(fields: T): Partial<T> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as Partial<T>;
}

function sendUpsert(
  id: string,
  seen: { click: ClickEvent; category?: string; first: Date; last: Date },
  now: Date,
): AnyBulkWriteOperation<EmailSendDocument> {
  const known = defined({ emailName: seen.click.emailName, categoryId: seen.category });
  return {
    updateOne: {
      filter: { _id: id },
      update: {
        $setOnInsert: { bu: seen.click.bu, jobId: seen.click.jobId, createdAt: now },
        $min: { firstClickAt: seen.first },
        $max: { lastClickAt: seen.last },
        ...(Object.keys(known).length ? { $set: known } : {}),
      },
      upsert: true,
    },
  };
}

function urlUpsert(id: string, click: ClickEvent, now: Date): AnyBulkWriteOperation<EmailUrlDocument> {
  const known = defined({ linkName: click.linkName, linkContent: click.linkContent });
  return {
    updateOne: {
      filter: { _id: id },
      update: {
        $setOnInsert: { bu: click.bu, url: click.url, urlKey: urlKey(click.url), createdAt: now },
        ...(Object.keys(known).length ? { $set: known } : {}),
      },
      upsert: true,
    },
  };
}

function subscriberUpsert(id: string, click: ClickEvent, now: Date): AnyBulkWriteOperation<SubscriberDocument> {
  return {
    updateOne: {
      filter: { _id: id },
      update: {
        $setOnInsert: { bu: click.bu, subscriberKey: click.subscriberKey, createdAt: now },
        ...(click.subscriberId ? { $set: { subscriberId: click.subscriberId } } : {}),
      },
      upsert: true,
    },
  };
}

function categoryUpsert(id: string, click: ClickEvent, now: Date): AnyBulkWriteOperation<CategoryDocument> {
  const known = defined({
    name: click.categoryName,
    parentId: click.parentCategoryId ? categoryId(click.bu, click.parentCategoryId) : undefined,
  });
  return {
    updateOne: {
      filter: { _id: id },
      update: {
        $setOnInsert: { bu: click.bu, categoryId: click.categoryId!, createdAt: now },
        ...(Object.keys(known).length ? { $set: known } : {}),
      },
      upsert: true,
    },
  };
}

function categoryStub(
  id: string,
  bu: string,
  sfmcCategoryId: string,
  now: Date,
): AnyBulkWriteOperation<CategoryDocument> {
  return {
    updateOne: {
      filter: { _id: id },
      update: { $setOnInsert: { bu, categoryId: sfmcCategoryId, createdAt: now } },
      upsert: true,
    },
  };
}
