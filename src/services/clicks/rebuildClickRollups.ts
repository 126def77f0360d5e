import type { Db, Document } from '../../datasources/store';
import type { KeyedLock } from '../keyedLock';
import { CLICK_EVENTS } from './clickModels';
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

/**
 * The clicks and distinct subscribers of a business unit's events per group of `fields`: the
 * events are summed per (group, subscriber) first, so each subscriber counts once per group.
 */
async function figuresBy(db: Db, bu: string, fields: string[]): Promise<Figure[]> {
  const group = Object.fromEntries(fields.map((field) => [field, `$${field}`]));
  const outer = Object.fromEntries(fields.map((field) => [field, `$_id.${field}`]));
  return db
    .collection(CLICK_EVENTS)
    .aggregate<Figure>(
      [
        { $match: { bu } },
        { $group: { _id: { ...group, subscriber: '$subscriber' }, clicks: { $sum: '$n' } } },
        { $group: { _id: outer, clicks: { $sum: '$clicks' }, clickers: { $sum: 1 } } },
      ],
      { allowDiskUse: true },
    )
    .toArray();
}

/**
 * Recomputes one business unit's click figures from its events and replaces the kept ones.
 * Runs as the unit's writer (`writers`, the pipeline's), so no batch of the unit is written
 * meanwhile.
 */
export async function rebuildClickRollups(db: Db, writers: KeyedLock, bu: string): Promise<void> {
  await writers.run(bu, async () => {
    const [units, days, sends, sendUrls, urls, sendDays] = await Promise.all([
      figuresBy(db, bu, []),
      figuresBy(db, bu, ['day']),
      figuresBy(db, bu, ['send']),
      figuresBy(db, bu, ['send', 'url']),
      figuresBy(db, bu, ['url']),
      figuresBy(db, bu, ['send', 'day']),
    ]);
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
        { bu },
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
        { bu },
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
