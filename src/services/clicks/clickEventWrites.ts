import type { AnyBulkWriteOperation, Db } from '../../datasources/store';
import type { ClickEvent } from './clickRow';
import {
  clickCollections,
  MAX_GUIDS_PER_EVENT,
  type ClickEventDocument,
  type ClickEventIdDocument,
} from './clickModels';
import { writtenTogether } from '../writtenTogether';
import { planClickRollups, storedPlaces, writeClickRollups, type KeyChange } from './clickRollups';
import { CLICK_EVENTS } from './clickModels';
import { CLICK_HISTORY } from './clickExpiry';
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
      groups.set(_id, {
        _id,
        bu: click.bu,
        day: click.day,
        refs: ref,
        ids: new Set([click.eventId]),
        last: click.eventDate,
      });
      return;
    }
    group.ids.add(click.eventId);
    if (click.eventDate > group.last) group.last = click.eventDate;
  });
  return [...groups.values()];
}

/** Stored state of a key that a write depends on. */
type HeldEvent = Pick<ClickEventDocument, '_id' | 'guids' | 'n' | 'overflowN' | 'spilled'>;

/** The write a key needs given what is stored. */
interface PlannedWrite {
  operation: AnyBulkWriteOperation<ClickEventDocument>;
  /** n as written, and n as it was stored (0 for a new key). */
  n: number;
  heldN: number;
  /** guids as written, when some ids did not fit and go to the overflow step. */
  spilledGuids?: string[];
}

/**
 * One atomic write per key, computed from the stored document and conditional on it: a new
 * key is inserted (a concurrent insert makes that a duplicate key), a stored one is updated
 * only if its n is still the n that was read (n never decreases and grows with every id, so it
 * versions the document). n is recomputed from the distinct ids, never incremented, so a
 * redelivered row or a re-run batch writes nothing. Plain operators rather than a pipeline
 * update: the embedded engine applies them without mingo's expression evaluator, which cost
 * a third of the processor's time, and MongoDB takes both. Null when nothing is new.
 */
function planWrite(group: KeyedClicks, held: HeldEvent | undefined): PlannedWrite | null {
  const guids = held?.guids ?? [];
  const present = new Set(guids);
  const fresh = [...group.ids].filter((id) => !present.has(id));
  if (held && fresh.length === 0) return null;
  const room = Math.max(0, MAX_GUIDS_PER_EVENT - guids.length);
  const written = room > 0 && fresh.length > 0 ? [...guids, ...fresh.slice(0, room)] : guids;
  const spilledGuids = fresh.length > room ? written : undefined;
  const spilled = held?.spilled === true || spilledGuids !== undefined;
  const n = written.length + (held?.overflowN ?? 0);
  if (!held) {
    const { send, url, subscriber } = group.refs;
    const document: ClickEventDocument = {
      _id: group._id,
      bu: group.bu,
      day: group.day,
      send,
      url,
      subscriber,
      n,
      guids: written,
      last: group.last,
      spilled,
    };
    return { operation: { insertOne: { document } }, n, heldN: 0, spilledGuids };
  }
  const update = { $set: { guids: written, n, spilled }, $max: { last: group.last } };
  return {
    operation: { updateOne: { filter: { _id: group._id, n: held.n }, update } },
    n,
    heldN: held.n,
    spilledGuids,
  };
}

/** What a key's write changes in the figures (clickRollups.ts): `clicks` added, and whether it creates the key. */
function keyChange(group: KeyedClicks, clicks: number, created: boolean): KeyChange {
  return { bu: group.bu, day: group.day, ...group.refs, clicks, created };
}

export interface ClickEventWriteResult {
  keys: number;
  /** Keys past MAX_GUIDS_PER_EVENT that went through the overflow step. */
  overflowed: number;
  /**
   * Rounds in which another process changed some keys between this one's read and write: the
   * figures of those keys may then be off until `stats rebuild` (one process writes a business
   * unit's events at a time on the embedded store, so this happens only on a shared MongoDB).
   */
  conflicts: number;
}

/** Rounds of read-then-write before a batch gives up on keys other writers keep changing. */
const MAX_WRITE_ROUNDS = 10;

/**
 * Writes a batch's aggregated click events (one business unit's): reads the keys' stored ids
 * once, writes every key that gains ids in one unordered bulkWrite, then stores the overflow ids
 * of keys that spilled. If another process changed some keys meanwhile (a conditional update
 * matched nothing, or an insert met a duplicate key), those keys are read and planned again.
 *
 * The click figures (clickRollups.ts) change in the same commit as the events: they are planned
 * from the keys' stored state and from the groups their subscribers clicked in before (read for
 * all but `newSubscribers`, who have none), so the caller is the unit's only writer in this
 * process from that read to that commit (processClicks.ts).
 */
export async function upsertClickEvents(
  db: Db,
  groups: KeyedClicks[],
  newSubscribers: ReadonlySet<string> = new Set(),
): Promise<ClickEventWriteResult> {
  const { events } = clickCollections(db);
  let pending = groups;
  let overflowed = 0;
  let conflicts = 0;
  for (let round = 1; pending.length > 0; round++) {
    if (round > MAX_WRITE_ROUNDS)
      throw new Error(`click events kept changing under this batch (${pending.length} keys); it will be retried`);
    const projection = { _id: 1, guids: 1, n: 1, overflowN: 1, spilled: 1 };
    const stored = await events.find({ _id: { $in: pending.map((g) => g._id) } }, { projection }).toArray();
    const held = new Map(stored.map((event) => [event._id, event as HeldEvent]));
    const planned = pending.flatMap((group) => {
      const write = planWrite(group, held.get(group._id));
      return write ? [{ group, write }] : [];
    });
    if (planned.length === 0) break;
    const newcomers = new Set<string>();
    for (const { group, write } of planned) {
      if (write.heldN === 0 && !newSubscribers.has(group.refs.subscriber)) newcomers.add(group.refs.subscriber);
    }
    const before = await storedPlaces(db, CLICK_EVENTS, [...newcomers], CLICK_HISTORY);
    const figures = planClickRollups(
      planned.map(({ group, write }) => keyChange(group, write.n - write.heldN, write.heldN === 0)),
      before,
    );
    const [complete] = await writtenTogether([
      writeAll(
        db,
        planned.map(({ write }) => write.operation),
      ),
      ...writeClickRollups(db, figures),
    ]);
    if (!complete) {
      conflicts += 1;
      pending = planned.map(({ group }) => group);
      continue;
    }
    for (const { group, write } of planned) {
      if (!write.spilledGuids) continue;
      const n = await storeOverflow(db, { _id: group._id, guids: write.spilledGuids }, group);
      if (n !== write.n) {
        await writtenTogether(
          writeClickRollups(db, planClickRollups([keyChange(group, n - write.n, false)], new Map())),
        );
      }
      overflowed += 1;
    }
    pending = [];
  }
  return { keys: groups.length, overflowed, conflicts };
}

/** Runs the writes; false when some met a concurrent change (no match, or a duplicate key). */
async function writeAll(db: Db, operations: AnyBulkWriteOperation<ClickEventDocument>[]): Promise<boolean> {
  try {
    const result = await clickCollections(db).events.bulkWrite(operations, { ordered: false });
    return result.insertedCount + result.matchedCount === operations.length;
  } catch (error) {
    if (isOnlyDuplicates(error)) return false;
    throw error;
  }
}

/**
 * Ids of a full key that are not in guids go to email_click_event_ids (unique on eventKey +
 * guid, so a redelivered id is stored once); n is then set from the count of that collection.
 * Counting rather than adding keeps n exact when a batch dies between the two writes and runs
 * again; $max keeps a slower concurrent writer from lowering it. Answers n as stored then.
 */
async function storeOverflow(
  db: Db,
  event: Pick<ClickEventDocument, '_id' | 'guids'>,
  group: KeyedClicks,
): Promise<number> {
  const { events, eventIds } = clickCollections(db);
  const held = new Set(event.guids);
  const overflow = [...group.ids].filter((id) => !held.has(id));
  if (overflow.length > 0) {
    const documents = overflow.map((guid): ClickEventIdDocument => ({
      _id: `${event._id}:${guid}`,
      bu: group.bu,
      eventKey: event._id,
      guid,
    }));
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
  const stored = await events.findOne({ _id: event._id }, { projection: { n: 1 } });
  return stored?.n ?? 0;
}

/** True when every failed insert was a duplicate key (the id was already stored). */
function isOnlyDuplicates(error: unknown): boolean {
  const err = error as { code?: number; writeErrors?: { code?: number }[] | { code?: number } };
  const failures =
    err.writeErrors === undefined ? [] : Array.isArray(err.writeErrors) ? err.writeErrors : [err.writeErrors];
  return failures.length > 0 ? failures.every((e) => e.code === 11000) : err.code === 11000;
}
