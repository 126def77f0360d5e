import { randomBytes } from 'node:crypto';
import {
  CLICK_EVENT_IDS,
  CLICK_EVENTS,
  CLICK_REJECTS,
  SUBSCRIBERS,
  type ClickEventDocument,
  type SubscriberDocument,
} from '../../clicks/clickModels';
import { CLICK_HISTORY, clickHistoryId, type ClickHistoryDocument } from '../../clicks/clickExpiry';
import { clickEventKey, subscriberId } from '../../clicks/modelIds';
import type { Pseudonyms } from '../pseudonyms';
import type { PersonTrail, TrailSubscriber } from '../trail';
import {
  deleteMatching,
  rekeyMatching,
  updateMatching,
  type EraseContext,
  type ErasedCounts,
  type HolderFilter,
  type StoreHolder,
} from './holder';

/** The embedded Marketing Cloud's click log (the local data extension), one document per row. */
const LOCAL_CLICK_LOG = 'sfmc_click_log';

/** Where the person's subscriber goes: a pseudonymous key in the same business unit, and its id. */
function renamed(pseudonyms: Pseudonyms, subscriber: Pick<TrailSubscriber, 'bu' | 'subscriberKey'>) {
  const subscriberKey = pseudonyms.subscriberKey(subscriber.bu, subscriber.subscriberKey);
  return { subscriberKey, id: subscriberId(subscriber.bu, subscriberKey) };
}

const bySubscriberKeys = (trail: PersonTrail) =>
  trail.subscriberKeys.length ? { 'values.SubscriberKey': { $in: trail.subscriberKeys } } : null;

/**
 * Click sync: the subscriber and its click events move to a pseudonymous subscriber of the same
 * business unit, so clicks and unique clickers count as before; an event keeps its click count
 * and loses the event ids (some are hashes of the subscriber key), and what expiry kept of its
 * expired events moves with it. Rejected rows go; rows of the
 * local data extension keep their clicks under the pseudonymous key.
 */
export const clickHolders: StoreHolder[] = [
  {
    collection: SUBSCRIBERS,
    domain: 'clicks',
    action: 'ANONYMIZE',
    filter: (trail) => (trail.subscriberIds.length ? { _id: { $in: trail.subscriberIds } } : null),
    erase: (context, filter) =>
      rekeyMatching<SubscriberDocument>(context, SUBSCRIBERS, filter, ({ subscriberId: _sfmcId, ...subscriber }) => {
        const next = renamed(context.pseudonyms, subscriber);
        return { ...subscriber, _id: next.id, subscriberKey: next.subscriberKey };
      }),
  },
  {
    collection: CLICK_EVENTS,
    domain: 'clicks',
    action: 'ANONYMIZE',
    filter: (trail) => (trail.subscriberIds.length ? { subscriber: { $in: trail.subscriberIds } } : null),
    erase: moveClickEvents,
  },
  {
    collection: CLICK_HISTORY,
    domain: 'clicks',
    action: 'ANONYMIZE',
    filter: (trail) => (trail.subscriberIds.length ? { subscriber: { $in: trail.subscriberIds } } : null),
    erase: (context, filter, trail) => {
      const subscribers = new Map(trail.subscribers.map((subscriber) => [subscriber._id, subscriber]));
      return rekeyMatching<ClickHistoryDocument>(context, CLICK_HISTORY, filter, (history) => {
        const subscriber = renamed(context.pseudonyms, subscribers.get(history.subscriber)!).id;
        return { ...history, _id: clickHistoryId(history.bu, history.send, history.url, subscriber), subscriber };
      });
    },
  },
  {
    collection: CLICK_EVENT_IDS,
    domain: 'clicks',
    action: 'DELETE',
    filter: (trail) => (trail.clickEventIds.length ? { eventKey: { $in: trail.clickEventIds } } : null),
    erase: (context, filter) => deleteMatching(context, CLICK_EVENT_IDS, filter),
  },
  {
    collection: CLICK_REJECTS,
    domain: 'clicks',
    action: 'DELETE',
    filter: bySubscriberKeys,
    erase: (context, filter) => deleteMatching(context, CLICK_REJECTS, filter),
  },
  {
    collection: LOCAL_CLICK_LOG,
    domain: 'clicks',
    action: 'ANONYMIZE',
    filter: bySubscriberKeys,
    erase: (context, filter) =>
      updateMatching<{ bu: string; values: Record<string, unknown> }>(context, LOCAL_CLICK_LOG, filter, (row) => ({
        $set: {
          'values.SubscriberKey': context.pseudonyms.subscriberKey(row.bu, String(row.values.SubscriberKey)),
        },
        $unset: { 'values.SubscriberID': '' },
      })),
  },
];

/** A click event as an erasure moves it: the mark of the move, and the marks merged into it. */
type MovedClickEvent = ClickEventDocument & { moveMark?: string; mergedFrom?: string[] };

/**
 * Moves each of the person's click events to the key of the pseudonymous subscriber, keeping its
 * click count and dropping its event ids. A click synced after an earlier erasure may already have
 * an event at that key (same day, send and URL): the counts are then added, once, however often
 * the move is retried. The event is first given a random mark, which the target records when it
 * takes the counts in (an event's key comes back when its subscriber clicks again, its mark not).
 */
async function moveClickEvents(context: EraseContext, filter: HolderFilter, trail: PersonTrail): Promise<ErasedCounts> {
  const events = context.db.collection<MovedClickEvent>(CLICK_EVENTS);
  const subscribers = new Map(trail.subscribers.map((subscriber) => [subscriber._id, subscriber]));
  let anonymized = 0;
  for (const found of await events.find(filter as object).toArray()) {
    const marked = await events.findOneAndUpdate(
      { _id: found._id, moveMark: { $exists: false } },
      { $set: { moveMark: randomBytes(12).toString('hex') } },
      { returnDocument: 'after' },
    );
    const event = marked ?? found;
    const mark = event.moveMark!;
    const subscriber = renamed(context.pseudonyms, subscribers.get(event.subscriber)!);
    const target = clickEventKey(event.bu, event.day, event.send, event.url, subscriber.id);
    const merged = await events.updateOne(
      { _id: target, mergedFrom: { $ne: mark } },
      { $inc: { n: event.n, overflowN: event.n }, $max: { last: event.last }, $addToSet: { mergedFrom: mark } },
    );
    if (merged.matchedCount === 0) {
      const { spilled: _spilled, moveMark: _mark, ...kept } = event;
      const moved = {
        ...kept,
        _id: target,
        subscriber: subscriber.id,
        guids: [],
        overflowN: event.n,
        mergedFrom: [mark],
      };
      // a duplicate: an earlier run of this erasure moved it already
      await events.insertOne(moved).catch((error: { code?: number }) => {
        if (error.code !== 11000) throw error;
      });
    }
    await events.deleteOne({ _id: event._id });
    anonymized += 1;
  }
  return { deleted: 0, anonymized };
}
