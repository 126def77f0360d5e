import type { AnyBulkWriteOperation, Db, Document } from '../../datasources/store';
import { badInput } from '../../errors';
import { CLICK_EVENT_IDS, CLICK_EVENTS, type ClickEventDocument } from './clickModels';
import { CLICK_ROLLUPS } from './clickRollups';
import { naturalId } from './eventId';
import { clickEventKeyRange } from './modelIds';

/**
 * What is left of expired click events: one document per (business unit, send, URL, subscriber),
 * with the clicks of its expired days. It keeps the distinct clickers of a send, a link and a
 * business unit exact (a subscriber who clicked before the horizon is not counted again when it
 * clicks after it) and lets `stats rebuild` recompute those figures without the expired events.
 */
export const CLICK_HISTORY = 'email_click_history';

/** Per business unit, the reporting day before which its click events were expired. */
export const CLICK_HORIZONS = 'email_click_horizons';

export interface ClickHistoryDocument {
  _id: string;
  bu: string;
  send: string;
  url: string;
  subscriber: string;
  /** The n of the expired events. */
  clicks: number;
  /** The reporting days whose event was folded in: a fold repeated after a crash adds nothing. */
  days: Date[];
}

export interface ClickHorizonDocument {
  _id: string;
  expiredBefore: Date;
}

/** How an expiry deletes: bounded batches, with a pause between them (retention's policy). */
export interface ExpiryBatches {
  size: number;
  between(): Promise<void>;
  signal?: AbortSignal;
}

export const clickHistoryId = (bu: string, send: string, url: string, subscriber: string) =>
  naturalId('clickHistory', bu, send, url, subscriber);

/** The reporting day before which a business unit's click events were expired; null: none were. */
export async function clickHorizon(db: Db, bu: string): Promise<Date | null> {
  const horizon = await db.collection<ClickHorizonDocument>(CLICK_HORIZONS).findOne({ _id: bu });
  return horizon?.expiredBefore ?? null;
}

/** The business units that have click figures, hence may have click events. */
export async function clickUnitNames(db: Db): Promise<string[]> {
  return (await db.collection(CLICK_ROLLUPS.units).distinct('_id')).map(String).sort();
}

/** The reporting day of a business unit's oldest click event (the first of its (bu, _id) index), or null. */
export async function oldestClickDay(db: Db, bu: string): Promise<Date | null> {
  const oldest = await db
    .collection<ClickEventDocument>(CLICK_EVENTS)
    .findOne({ bu }, { sort: { _id: 1 }, projection: { _id: 0, day: 1 } });
  return oldest?.day ?? null;
}

/** A business unit's click events of the reporting days before `before`: one range of its (bu, _id) index. */
export const clickEventsBefore = (bu: string, before: Date) => ({ bu, _id: clickEventKeyRange({ $lt: before }) });

type ExpiringEvent = Pick<ClickEventDocument, '_id' | 'day' | 'send' | 'url' | 'subscriber' | 'n' | 'spilled'>;

function foldInto(event: ExpiringEvent, bu: string): AnyBulkWriteOperation<ClickHistoryDocument> {
  const { day, send, url, subscriber, n } = event;
  return {
    updateOne: {
      filter: { _id: clickHistoryId(bu, send, url, subscriber), days: { $ne: day } },
      update: { $inc: { clicks: n }, $push: { days: day }, $setOnInsert: { bu, send, url, subscriber } },
      upsert: true,
    },
  };
}

/** True when every failed write met a duplicate key (here: a day folded in already). */
function onlyDuplicates(error: unknown): boolean {
  const err = error as { code?: number; writeErrors?: { code?: number }[] | { code?: number } };
  const failures =
    err.writeErrors === undefined ? [] : Array.isArray(err.writeErrors) ? err.writeErrors : [err.writeErrors];
  return failures.length > 0 ? failures.every((e) => e.code === 11000) : err.code === 11000;
}

/**
 * Expires a business unit's click events of the reporting days before `before` (a reporting
 * day's start, as `day` holds it): the horizon is
 * raised first (rows of those days are rejected from then on: their events, which recognize a
 * redelivered click, are going), then each batch is folded into the history and deleted with
 * its overflow ids. Repeating it after a crash folds nothing twice. Answers the events deleted.
 */
export async function expireClickEvents(db: Db, bu: string, before: Date, batches: ExpiryBatches): Promise<number> {
  await db
    .collection<ClickHorizonDocument>(CLICK_HORIZONS)
    .updateOne({ _id: bu }, { $max: { expiredBefore: before } }, { upsert: true });
  const events = db.collection<ClickEventDocument>(CLICK_EVENTS);
  const history = db.collection<ClickHistoryDocument>(CLICK_HISTORY);
  const expired = clickEventsBefore(bu, before);
  const projection = { _id: 1, day: 1, send: 1, url: 1, subscriber: 1, n: 1, spilled: 1 };
  let deleted = 0;
  for (;;) {
    batches.signal?.throwIfAborted();
    const batch = (await events.find(expired, { projection, limit: batches.size }).toArray()) as ExpiringEvent[];
    if (batch.length === 0) return deleted;
    try {
      await history.bulkWrite(
        batch.map((event) => foldInto(event, bu)),
        { ordered: false },
      );
    } catch (error) {
      if (!onlyDuplicates(error)) throw error;
    }
    const spilled = batch.filter((event) => event.spilled).map((event) => event._id);
    if (spilled.length > 0) {
      await db.collection<Document>(CLICK_EVENT_IDS).deleteMany({ bu, eventKey: { $in: spilled } });
    }
    const result = await events.deleteMany({ bu, _id: { $in: batch.map((event) => event._id) } });
    deleted += result.deletedCount;
    if (batch.length < batches.size) return deleted;
    await batches.between();
  }
}

/**
 * Figures the kept rollups do not hold (a URL or subscriber filter, distinct clickers over
 * several days, per subscriber) are computed from the events, which exist only from each
 * business unit's horizon on: such a request must start on or after it (of `bu`, or of every
 * unit when none is named).
 */
export async function assertEventsRetained(
  db: Db,
  bu: string | undefined,
  from: Date | undefined,
  dateOf: (day: Date) => string,
): Promise<void> {
  const horizons = await db
    .collection<ClickHorizonDocument>(CLICK_HORIZONS)
    .find(bu ? { _id: bu } : {})
    .toArray();
  const latest = horizons.reduce<Date | null>(
    (max, { expiredBefore }) => (!max || expiredBefore > max ? expiredBefore : max),
    null,
  );
  if (!latest || (from && from.getTime() >= latest.getTime())) return;
  throw badInput(
    `filter.dayFrom: click events of the days before ${dateOf(latest)} are past retention, and this figure is not kept ` +
      `for them: give a dayFrom of ${dateOf(latest)} or later, or ask for figures that are kept (totals, per day, per send, per link)`,
    'filter.dayFrom',
  );
}
