import type { AnyBulkWriteOperation, Db, Document } from 'mongodb';
import type { ClickEvent } from './clickRow';
import { clickCollections, MAX_GUIDS_PER_EVENT, type ClickEventDocument, type ClickEventIdDocument } from './clickModels';
import { clickEventKey } from './modelIds';
import type { ClickRefs } from './relatedModels';

/** The clicks of one batch on one aggregated event key. */
interface KeyedClicks {
  _id: string;
  bu: string;
  day: Date;
  refs: ClickRefs;
  ids: Set<string>;
  last: Date;
}

/** Groups a batch's clicks by (bu, day, send, url, subscriber), so each key is written once. */
export function groupByEventKey(clicks: ClickEvent[], refs: ClickRefs[]): KeyedClicks[] {
  const groups = new Map<string, KeyedClicks>();
  clicks.forEach((click, i) => {
    const ref = refs[i]!;
    const _id = clickEventKey(click.bu, click.day, ref.send, ref.url, ref.subscriber);
    const group = groups.get(_id);
    if (!group) {
      groups.set(_id, { _id, bu: click.bu, day: click.day, refs: ref, ids: new Set([click.eventId]), last: click.eventDate });
      return;
    }
    group.ids.add(click.eventId);
    if (click.eventDate > group.last) group.last = click.eventDate;
  });
  return [...groups.values()];
}

/**
 * One atomic pipeline update per key: the key's new distinct ids are appended to guids while
 * it has room (up to MAX_GUIDS_PER_EVENT), n is recomputed from what is stored, never
 * incremented, so a redelivered row or a re-run batch changes nothing. A key whose ids did not
 * all fit is flagged `spilled` and finished by the overflow step.
 */
function eventUpdate(group: KeyedClicks): Document[] {
  const fresh = { $setDifference: [{ $literal: [...group.ids] }, '$$held'] };
  const room = { $max: [0, { $subtract: [MAX_GUIDS_PER_EVENT, { $size: '$$held' }] }] };
  return [
    {
      $set: {
        bu: { $literal: group.bu },
        day: { $literal: group.day },
        send: { $literal: group.refs.send },
        url: { $literal: group.refs.url },
        subscriber: { $literal: group.refs.subscriber },
        // $ifNull first: MongoDB's $max skips a missing field, but the embedded engine (mingo)
        // returns null for it; written this way both engines agree.
        last: { $max: [{ $ifNull: ['$last', { $literal: group.last }] }, { $literal: group.last }] },
        guids: {
          $let: {
            vars: { held: { $ifNull: ['$guids', []] } },
            in: {
              $let: {
                vars: { fresh, room },
                in: { $concatArrays: ['$$held', { $cond: [{ $gt: ['$$room', 0] }, { $slice: ['$$fresh', '$$room'] }, []] }] },
              },
            },
          },
        },
        spilled: {
          $let: {
            vars: { held: { $ifNull: ['$guids', []] } },
            in: { $or: [{ $eq: ['$spilled', true] }, { $gt: [{ $size: fresh }, room] }] },
          },
        },
      },
    },
    { $set: { n: { $add: [{ $size: '$guids' }, { $ifNull: ['$overflowN', 0] }] } } },
  ];
}

export interface ClickEventWriteResult {
  keys: number;
  /** Keys past MAX_GUIDS_PER_EVENT that went through the overflow step. */
  overflowed: number;
}

/** Writes a batch's aggregated click events: one bulkWrite, then the overflow step if needed. */
export async function upsertClickEvents(db: Db, groups: KeyedClicks[]): Promise<ClickEventWriteResult> {
  if (groups.length === 0) return { keys: 0, overflowed: 0 };
  const { events } = clickCollections(db);
  const operations: AnyBulkWriteOperation<ClickEventDocument>[] = groups.map((group) => ({
    updateOne: { filter: { _id: group._id }, update: eventUpdate(group), upsert: true },
  }));
  const written = await events.bulkWrite(operations, { ordered: false });
  // A key created by this write can only be full if this batch alone brought more ids than
  // fit; only the others need a look for the overflow step.
  const created = new Set(Object.values(written.upsertedIds ?? {}).map(String));
  const candidates = groups.filter((g) => !created.has(g._id) || g.ids.size > MAX_GUIDS_PER_EVENT).map((g) => g._id);
  const spilled =
    candidates.length === 0
      ? []
      : await events.find({ _id: { $in: candidates }, spilled: true }, { projection: { _id: 1, guids: 1 } }).toArray();
  const byId = new Map(groups.map((g) => [g._id, g]));
  for (const event of spilled) await storeOverflow(db, event, byId.get(event._id)!);
  return { keys: groups.length, overflowed: spilled.length };
}

/**
 * Ids of a full key that are not in guids go to email_click_event_ids (unique on eventKey +
 * guid, so a redelivered id is stored once); n is then set from the count of that collection.
 * Counting rather than adding keeps n exact when a batch dies between the two writes and runs
 * again; $max keeps a slower concurrent writer from lowering it.
 */
async function storeOverflow(db: Db, event: Pick<ClickEventDocument, '_id' | 'guids'>, group: KeyedClicks): Promise<void> {
  const { events, eventIds } = clickCollections(db);
  const held = new Set(event.guids);
  const overflow = [...group.ids].filter((id) => !held.has(id));
  if (overflow.length > 0) {
    const documents = overflow.map((guid): ClickEventIdDocument => ({ _id: `${event._id}:${guid}`, bu: group.bu, eventKey: event._id, guid }));
    try {
      await eventIds.insertMany(documents, { ordered: false });
    } catch (error) {
      if (!isOnlyDuplicates(error)) throw error;
    }
  }
  const counted = await eventIds.countDocuments({ bu: group.bu, eventKey: event._id });
  await events.updateOne({ _id: event._id }, [
    { $set: { overflowN: { $max: [{ $ifNull: ['$overflowN', 0] }, counted] } } },
    { $set: { n: { $add: [{ $size: '$guids' }, '$overflowN'] } } },
  ]);
}

/** True when every failed insert was a duplicate key (the id was already stored). */
function isOnlyDuplicates(error: unknown): boolean {
  const err = error as { code?: number; writeErrors?: { code?: number }[] | { code?: number } };
  const failures = err.writeErrors === undefined ? [] : Array.isArray(err.writeErrors) ? err.writeErrors : [err.writeErrors];
  return failures.length > 0 ? failures.every((e) => e.code === 11000) : err.code === 11000;
}
