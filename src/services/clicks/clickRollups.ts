import { setImmediate } from 'node:timers/promises';
import type { AnyBulkWriteOperation, Db, Document } from '../../datasources/store';
import { naturalId } from './eventId';

/**
 * Click figures kept as click events are written, one collection per grain. `clicks` is the sum
 * of n; `clickers` the distinct subscribers: each subscriber is counted in the first event key
 * that brought it into the grain's group, so the figures add up without reading events.
 * A send's `urls` break it down by link.
 */
export const CLICK_ROLLUPS = {
  /** Per business unit; `_id` is the unit's name. */
  units: 'email_click_units',
  /** Per (bu, reporting day). */
  days: 'email_click_days',
  /** Per send (`_id` is email_sends._id), with its links' clicks and clickers. */
  sends: 'email_click_sends',
  /** Per URL (`_id` is email_urls._id). */
  urls: 'email_click_urls',
  /** Per (send, reporting day). */
  sendDays: 'email_click_send_days',
} as const;

export interface ClickFigures {
  clicks: number;
  clickers: number;
}

export interface ClickUnitDocument extends ClickFigures {
  _id: string;
}

export interface ClickDayDocument extends ClickFigures {
  _id: string;
  bu: string;
  day: Date;
}

export interface ClickSendDocument extends ClickFigures {
  _id: string;
  bu: string;
  urls: Record<string, ClickFigures>;
}

export interface ClickSendDayDocument extends ClickFigures {
  _id: string;
  bu: string;
  day: Date;
  send: string;
}

export interface ClickUrlDocument extends ClickFigures {
  _id: string;
  bu: string;
}

export const clickDayId = (bu: string, day: Date) => naturalId('clickDay', bu, day.toISOString());
export const clickSendDayId = (send: string, day: Date) => naturalId('clickSendDay', send, day.toISOString());

/** A stored event key as the figures see it: its subscriber and the groups it belongs to. */
export interface KeyPlace {
  subscriber: string;
  day: Date;
  send: string;
  url: string;
}

/** A group a subscriber clicked in before: an event key, or what expiry kept of one (no day). */
export type HeldPlace = Omit<KeyPlace, 'day'> & { day?: Date };

/** An event key's change in a write: its clicks added, and whether the write creates it. */
export interface KeyChange extends KeyPlace {
  bu: string;
  clicks: number;
  created: boolean;
}

/** The groups a subscriber already clicked in, from its stored event keys. */
class Footprint {
  private readonly groups = new Set<string>();

  constructor(places: Iterable<HeldPlace>) {
    for (const place of places) this.add(place);
  }

  /** The groups of `place` this subscriber enters for the first time, then enters them. */
  enter(place: KeyPlace): Record<'unit' | 'day' | 'send' | 'url' | 'sendUrl' | 'sendDay', boolean> {
    const day = place.day.getTime();
    const firsts = {
      unit: this.groups.size === 0,
      day: !this.groups.has(`d${day}`),
      send: !this.groups.has(`s${place.send}`),
      url: !this.groups.has(`u${place.url}`),
      sendUrl: !this.groups.has(`su${place.send}|${place.url}`),
      sendDay: !this.groups.has(`sd${place.send}|${day}`),
    };
    this.add(place);
    return firsts;
  }

  private add(place: HeldPlace): void {
    this.groups.add(`s${place.send}`);
    this.groups.add(`u${place.url}`);
    this.groups.add(`su${place.send}|${place.url}`);
    if (!place.day) return;
    const day = place.day.getTime();
    this.groups.add(`d${day}`);
    this.groups.add(`sd${place.send}|${day}`);
  }
}

/**
 * Subscribers whose stored places one query reads: most hold tens of events, the busiest
 * hundreds, so each query stays a few milliseconds of the event loop, which turns between them.
 */
export const PLACES_SUBSCRIBERS_PER_READ = 8;

/**
 * The stored event keys of some subscribers, read from the (subscriber, day, send, url) index
 * alone, and what expiry kept of their expired ones (`history`, by its (subscriber, send, url)
 * index): the groups each has clicked in before a write. Read PLACES_SUBSCRIBERS_PER_READ
 * subscribers at a time, each subscriber's places in one query.
 */
export async function storedPlaces(
  db: Db,
  events: string,
  subscribers: string[],
  history?: string,
): Promise<Map<string, HeldPlace[]>> {
  const places = new Map<string, HeldPlace[]>();
  for (let from = 0; from < subscribers.length; from += PLACES_SUBSCRIBERS_PER_READ) {
    // The embedded store answers a read without leaving the event turn: requests go first.
    if (from > 0) await setImmediate();
    const bySubscriber = { subscriber: { $in: subscribers.slice(from, from + PLACES_SUBSCRIBERS_PER_READ) } };
    const [stored, expired] = await Promise.all([
      db
        .collection<Document>(events)
        .find(bySubscriber, { projection: { _id: 0, subscriber: 1, day: 1, send: 1, url: 1 } })
        .toArray(),
      history
        ? db
            .collection<Document>(history)
            .find(bySubscriber, { projection: { _id: 0, subscriber: 1, send: 1, url: 1 } })
            .toArray()
        : [],
    ]);
    for (const place of [...stored, ...expired] as unknown as HeldPlace[]) {
      const list = places.get(place.subscriber);
      if (list) list.push(place);
      else places.set(place.subscriber, [place]);
    }
  }
  return places;
}

/** The $inc of each group of one collection touched by a write, made once per group. */
class Increments {
  private readonly groups = new Map<string, { _id: string; insert: Document; inc: Record<string, number> }>();

  constructor(readonly collection: string) {}

  /** The increments of the group `key`; `make` gives its _id and insert-only fields the first time. */
  of(key: string, make: () => { _id: string; insert: Document }): Record<string, number> {
    let group = this.groups.get(key);
    if (!group) {
      group = { ...make(), inc: {} };
      this.groups.set(key, group);
    }
    return group.inc;
  }

  upserts(): { collection: string; operations: AnyBulkWriteOperation<RollupDocument>[] } {
    const operations: AnyBulkWriteOperation<RollupDocument>[] = [];
    for (const { _id, insert, inc } of this.groups.values()) {
      if (Object.keys(inc).length === 0) continue;
      const update = Object.keys(insert).length > 0 ? { $inc: inc, $setOnInsert: insert } : { $inc: inc };
      operations.push({ updateOne: { filter: { _id }, update, upsert: true } });
    }
    return { collection: this.collection, operations };
  }
}

function add(inc: Record<string, number>, field: string, by: number | boolean): void {
  const amount = by === true ? 1 : by === false ? 0 : by;
  if (amount !== 0) inc[field] = (inc[field] ?? 0) + amount;
}

interface RollupDocument extends Document {
  _id: string;
}

export type ClickRollupWrites = { collection: string; operations: AnyBulkWriteOperation<RollupDocument>[] }[];

const noFirsts = { unit: false, day: false, send: false, url: false, sendUrl: false, sendDay: false };

/**
 * The figures' updates for a write of event keys: `changes` in the order they are written, and
 * the groups each subscriber had clicked in before (`before`). Only upserts with $inc, one per
 * group touched.
 */
export function planClickRollups(changes: readonly KeyChange[], before: Map<string, HeldPlace[]>): ClickRollupWrites {
  const footprints = new Map<string, Footprint>();
  const links = new Map<string, { clicks: string; clickers: string }>();
  const linkFields = (url: string) => {
    let fields = links.get(url);
    if (!fields) {
      fields = { clicks: `urls.${url}.clicks`, clickers: `urls.${url}.clickers` };
      links.set(url, fields);
    }
    return fields;
  };
  const units = new Increments(CLICK_ROLLUPS.units);
  const days = new Increments(CLICK_ROLLUPS.days);
  const sends = new Increments(CLICK_ROLLUPS.sends);
  const urls = new Increments(CLICK_ROLLUPS.urls);
  const sendDays = new Increments(CLICK_ROLLUPS.sendDays);
  for (const change of changes) {
    const { bu, day, send, url, clicks } = change;
    let firsts = noFirsts;
    if (change.created) {
      let footprint = footprints.get(change.subscriber);
      if (!footprint) {
        footprint = new Footprint(before.get(change.subscriber) ?? []);
        footprints.set(change.subscriber, footprint);
      }
      firsts = footprint.enter(change);
    }
    const time = day.getTime();
    const unit = units.of(bu, () => ({ _id: bu, insert: {} }));
    add(unit, 'clicks', clicks);
    add(unit, 'clickers', firsts.unit);
    const ofDay = days.of(`${bu}\u0000${time}`, () => ({ _id: clickDayId(bu, day), insert: { bu, day } }));
    add(ofDay, 'clicks', clicks);
    add(ofDay, 'clickers', firsts.day);
    const ofSend = sends.of(send, () => ({ _id: send, insert: { bu } }));
    add(ofSend, 'clicks', clicks);
    add(ofSend, 'clickers', firsts.send);
    const link = linkFields(url);
    add(ofSend, link.clicks, clicks);
    add(ofSend, link.clickers, firsts.sendUrl);
    const ofUrl = urls.of(url, () => ({ _id: url, insert: { bu } }));
    add(ofUrl, 'clicks', clicks);
    add(ofUrl, 'clickers', firsts.url);
    const ofSendDay = sendDays.of(`${send}\u0000${time}`, () => ({
      _id: clickSendDayId(send, day),
      insert: { bu, day, send },
    }));
    add(ofSendDay, 'clicks', clicks);
    add(ofSendDay, 'clickers', firsts.sendDay);
  }
  return [units, days, sends, urls, sendDays]
    .map((increments) => increments.upserts())
    .filter(({ operations }) => operations.length > 0);
}

/** Issues the figures' updates (in the caller's turn, so they share the data's commit). */
export function writeClickRollups(db: Db, writes: ClickRollupWrites): Promise<unknown>[] {
  return writes.map(({ collection, operations }) =>
    db.collection<RollupDocument>(collection).bulkWrite(operations, { ordered: false }),
  );
}
