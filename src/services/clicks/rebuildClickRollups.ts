import type { Db, Document } from '../../datasources/store';
import type { KeyedLock } from '../keyedLock';
import { setImmediate } from 'node:timers/promises';
import { CLICK_HISTORY, clickHorizon, expireClickEvents } from './clickExpiry';
import { CLICK_EVENTS } from './clickModels';
import { clickEventKeyRange } from './modelIds';
import {
  CLICK_ROLLUPS,
  clickDayId,
  clickSendDayId,
  type ClickDayDocument,
  type ClickSendDayDocument,
  type ClickSendDocument,
  type ClickUrlDocument,
} from './clickRollups';

interface Figure {
  _id: Record<string, unknown>;
  clicks: number;
  clickers: number;
}

interface SubscriberClicks {
  _id: Record<string, unknown>;
  clicks: number;
}

/** Clicks per group of `fields` and subscriber, of `collection`'s documents matching `match`. */
function clicksPerSubscriber(db: Db, collection: string, match: Document, fields: string[], clicks: string) {
  const group = Object.fromEntries(fields.map((field) => [field, `$${field}`]));
  return db
    .collection(collection)
    .aggregate<SubscriberClicks>(
      [{ $match: match }, { $group: { _id: { ...group, subscriber: '$subscriber' }, clicks: { $sum: `$${clicks}` } } }],
      { allowDiskUse: true },
    )
    .toArray();
}

/**
 * The clicks and distinct subscribers of a business unit's events per group of `fields`: summed
 * per (group, subscriber) first, so each subscriber counts once per group. Groups without a day
 * take in the history of expired events too (clickExpiry.ts); the events are those from the
 * horizon on.
 */
async function figuresBy(db: Db, bu: string, fields: string[], horizon: Date | null): Promise<Figure[]> {
  const live = horizon ? { bu, _id: clickEventKeyRange({ $gte: horizon }) } : { bu };
  const [events, expired] = await Promise.all([
    clicksPerSubscriber(db, CLICK_EVENTS, live, fields, 'n'),
    fields.includes('day') ? [] : clicksPerSubscriber(db, CLICK_HISTORY, { bu }, fields, 'clicks'),
  ]);
  const figures = new Map<string, Figure>();
  const counted = new Set<string>();
  for (const { _id, clicks } of [...events, ...expired]) {
    const { subscriber, ...groupId } = _id;
    const key = JSON.stringify(fields.map((field) => groupId[field]));
    const figure = figures.get(key) ?? { _id: groupId, clicks: 0, clickers: 0 };
    figures.set(key, figure);
    figure.clicks += clicks;
    const clicker = `${key}\u0000${String(subscriber)}`;
    if (counted.has(clicker)) continue;
    counted.add(clicker);
    figure.clickers += 1;
  }
  return [...figures.values()];
}

/**
 * Recomputes one business unit's click figures from its events and replaces the kept ones.
 * Runs as the unit's writer (`writers`, the pipeline's), so no batch of the unit is written
 * meanwhile. Once events were expired, the figures of the days before the horizon stay as they
 * were kept (their events are gone), an unfinished expiry is completed first, and the figures
 * over every day (per unit, send and link) take in the history of the expired events.
 */
export async function rebuildClickRollups(db: Db, writers: KeyedLock, bu: string): Promise<void> {
  await writers.run(bu, async () => {
    const horizon = await clickHorizon(db, bu);
    if (horizon) await expireClickEvents(db, bu, horizon, { size: 1000, between: () => setImmediate() });
    const [units, days, sends, sendUrls, urls, sendDays] = await Promise.all([
      figuresBy(db, bu, [], horizon),
      figuresBy(db, bu, ['day'], horizon),
      figuresBy(db, bu, ['send'], horizon),
      figuresBy(db, bu, ['send', 'url'], horizon),
      figuresBy(db, bu, ['url'], horizon),
      figuresBy(db, bu, ['send', 'day'], horizon),
    ]);
    const ofDays = horizon ? { bu, day: { $gte: horizon } } : { bu };
    const sendDocs = new Map<string, ClickSendDocument>(
      sends.map(({ _id, clicks, clickers }) => [
        String(_id.send),
        { _id: String(_id.send), bu, clicks, clickers, urls: {} },
      ]),
    );
    for (const { _id, clicks, clickers } of sendUrls) {
      sendDocs.get(String(_id.send))!.urls[String(_id.url)] = { clicks, clickers };
    }
    const replace = (collection: string, filter: Document, docs: Document[]) =>
      db
        .collection<Document>(collection)
        .bulkWrite([{ deleteMany: { filter } }, ...docs.map((document) => ({ insertOne: { document } }))], {
          ordered: true,
        });
    await Promise.all([
      replace(
        CLICK_ROLLUPS.units,
        { _id: bu },
        units.map(({ clicks, clickers }) => ({ _id: bu, clicks, clickers })),
      ),
      replace(
        CLICK_ROLLUPS.days,
        ofDays,
        days.map(({ _id, clicks, clickers }): ClickDayDocument => {
          const day = _id.day as Date;
          return { _id: clickDayId(bu, day), bu, day, clicks, clickers };
        }),
      ),
      replace(CLICK_ROLLUPS.sends, { bu }, [...sendDocs.values()]),
      replace(
        CLICK_ROLLUPS.urls,
        { bu },
        urls.map(({ _id, clicks, clickers }): ClickUrlDocument => ({ _id: String(_id.url), bu, clicks, clickers })),
      ),
      replace(
        CLICK_ROLLUPS.sendDays,
        ofDays,
        sendDays.map(({ _id, clicks, clickers }): ClickSendDayDocument => {
          const day = _id.day as Date;
          const send = String(_id.send);
          return { _id: clickSendDayId(send, day), bu, day, send, clicks, clickers };
        }),
      ),
    ]);
  });
}

/** The business units to rebuild: those the service knows, and those with kept figures. */
export async function clickUnits(db: Db, known: readonly string[]): Promise<string[]> {
  const withFigures = await db.collection(CLICK_ROLLUPS.units).distinct('_id');
  return [...new Set([...known, ...withFigures.map(String)])].sort();
}
