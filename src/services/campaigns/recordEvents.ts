import type { AnyBulkWriteOperation, Db } from '../../datasources/store';
import { C, newId, recipientId, type CampaignEventDoc, type CampaignEventType, type RecipientDoc } from './model';
import { KeyedLock } from '../keyedLock';
import { writtenTogether } from '../writtenTogether';
import {
  planStats,
  recipientFlagsProjection,
  STATS_COLLECTIONS,
  type CampaignStatsDayDoc,
  type CampaignStatsDoc,
  type RecipientFlags,
} from './statsRollup';

export interface NewCampaignEvent {
  /** Given by the caller for idempotent retries (POST /conversions); generated otherwise. */
  id?: string;
  type: CampaignEventType;
  campaignId: string;
  memberId: string;
  linkIndex?: number | null;
  value?: number | null;
  occurredAt?: Date;
}

interface Pending {
  event: CampaignEventDoc;
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * Batches written at once. One: a batch's figures are planned from what the batches before it
 * stored (a recipient's first open is counted once), so each reads only after the previous one
 * committed; events arriving meanwhile make the next batch larger.
 */
const BATCHES_IN_FLIGHT = 1;
const STORE_KEY = 'events';

/**
 * Writes engagement events with group commit: events arriving within a few milliseconds are
 * stored together (one insertMany, one bulkWrite of recipient updates), and every caller's
 * promise settles only once its event is stored. Under load that is two round trips per
 * hundreds of events instead of two per event, with the same durability.
 *
 * Each event is inserted once (unique _id: a retried id is stored once) and applied to its
 * recipient with $set/$min/$max/$addToSet only, so applying an event twice changes nothing and
 * the recipient's flags can always be rebuilt from the events. The campaign's figures
 * (statsRollup.ts) change in the same commit.
 */
export class CampaignEventRecorder {
  private queue: Pending[] = [];
  private timer: NodeJS.Timeout | null = null;
  private readonly writing = new Set<Promise<void>>();
  private readonly lock = new KeyedLock();

  constructor(
    private readonly db: Db,
    private readonly options: { maxBatch?: number; maxDelayMs?: number; clock?: () => Date } = {},
  ) {}

  /** Runs `task` while no batch is being written (rebuilding the figures from the events). */
  exclusive<T>(task: () => Promise<T>): Promise<T> {
    return this.lock.run(STORE_KEY, task);
  }

  record(input: NewCampaignEvent): Promise<CampaignEventDoc> {
    const now = (this.options.clock ?? (() => new Date()))();
    const event: CampaignEventDoc = {
      _id: input.id ?? newId(),
      type: input.type,
      campaignId: input.campaignId,
      memberId: input.memberId,
      recipientId: recipientId(input.campaignId, input.memberId),
      linkIndex: input.linkIndex ?? null,
      value: input.value ?? null,
      occurredAt: input.occurredAt ?? now,
      recordedAt: now,
    };
    return new Promise<CampaignEventDoc>((resolve, reject) => {
      this.queue.push({ event, resolve: () => resolve(event), reject });
      this.schedule();
    });
  }

  /** Waits until every event recorded so far is stored. */
  async drain(): Promise<void> {
    while (this.queue.length > 0 || this.timer || this.writing.size > 0) {
      if (this.timer) {
        clearTimeout(this.timer);
        this.timer = null;
      }
      if (this.queue.length > 0 && this.writing.size < BATCHES_IN_FLIGHT) this.startBatch();
      else await Promise.race(this.writing);
    }
  }

  /**
   * While the writers are busy, new events wait in the queue and the next batch takes all of
   * them, so batches grow with the load instead of queueing many small writes.
   */
  private schedule(): void {
    if (this.timer || this.queue.length === 0 || this.writing.size >= BATCHES_IN_FLIGHT) return;
    const delay = this.queue.length >= this.maxBatch ? 0 : (this.options.maxDelayMs ?? 2);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.startBatch();
    }, delay);
  }

  private get maxBatch(): number {
    return this.options.maxBatch ?? 1000;
  }

  private startBatch(): void {
    const batch = this.queue.splice(0, this.maxBatch);
    if (batch.length === 0) return;
    const events = batch.map((p) => p.event);
    const written: Promise<void> = this.lock
      .run(STORE_KEY, () => storeEvents(this.db, events))
      .then(
        () => {
          for (const pending of batch) pending.resolve();
        },
        (error: unknown) => {
          for (const pending of batch) pending.reject(error);
        },
      );
    this.writing.add(written);
    void written.finally(() => {
      this.writing.delete(written);
      this.schedule();
    });
  }
}

/**
 * Stores a batch of events: the new ones (an id already stored, or twice in the batch, is
 * skipped), every event applied to its recipient, and the campaign figures they change. The
 * writes are issued together, so on the embedded store they are one commit: a crash keeps all
 * of them or none. Callers write one batch at a time (see BATCHES_IN_FLIGHT).
 */
export async function storeEvents(db: Db, events: CampaignEventDoc[]): Promise<void> {
  if (events.length === 0) return;
  const eventIds = [...new Set(events.map((event) => event._id))];
  const recipientIds = [...new Set(events.map((event) => event.recipientId))];
  const [stored, recipients] = await Promise.all([
    db
      .collection<CampaignEventDoc>(C.events)
      .find({ _id: { $in: eventIds } }, { projection: { _id: 1 } })
      .toArray(),
    db
      .collection<RecipientDoc>(C.recipients)
      .find({ _id: { $in: recipientIds } }, { projection: recipientFlagsProjection })
      .toArray(),
  ]);
  const known = new Set(stored.map((event) => event._id));
  const unique = new Map<string, CampaignEventDoc>();
  for (const event of events) if (!known.has(event._id) && !unique.has(event._id)) unique.set(event._id, event);
  const fresh = [...unique.values()];
  const plan = planStats(events, new Set(unique.keys()), new Map(recipients.map((r) => [r._id, r as RecipientFlags])));
  const writes: Promise<unknown>[] = [];
  if (fresh.length > 0) writes.push(insertNew(db, fresh));
  writes.push(
    db
      .collection<RecipientDoc>(C.recipients)
      .bulkWrite(withClickedLinks(recipientUpdates(events), plan.clickedLinks), { ordered: false }),
  );
  if (plan.totals.length > 0) {
    writes.push(db.collection<CampaignStatsDoc>(STATS_COLLECTIONS.totals).bulkWrite(plan.totals, { ordered: false }));
  }
  if (plan.days.length > 0) {
    writes.push(db.collection<CampaignStatsDayDoc>(STATS_COLLECTIONS.days).bulkWrite(plan.days, { ordered: false }));
  }
  await writtenTogether(writes);
}

/** Inserts events no one stored before; a concurrent writer's copy of one is left as it is. */
async function insertNew(db: Db, events: CampaignEventDoc[]): Promise<void> {
  try {
    await db.collection<CampaignEventDoc>(C.events).insertMany(events, { ordered: false });
  } catch (error) {
    const writeErrors = (error as { writeErrors?: { code?: number }[] }).writeErrors;
    const onlyDuplicates =
      (error as { code?: number }).code === 11000 &&
      (!Array.isArray(writeErrors) || writeErrors.every((e) => e.code === 11000));
    if (!onlyDuplicates) throw error;
  }
}

/** Adds to each recipient's update the links its clicks in the batch clicked first. */
function withClickedLinks(
  updates: AnyBulkWriteOperation<RecipientDoc>[],
  clickedLinks: ReadonlyMap<string, number[]>,
): AnyBulkWriteOperation<RecipientDoc>[] {
  if (clickedLinks.size === 0) return updates;
  return updates.map((operation) => {
    if (!('updateOne' in operation)) return operation;
    const links = clickedLinks.get(String(operation.updateOne.filter._id));
    if (!links) return operation;
    const update = { ...operation.updateOne.update, $addToSet: { clickedLinks: { $each: links } } };
    return { updateOne: { ...operation.updateOne, update } } as AnyBulkWriteOperation<RecipientDoc>;
  });
}

/**
 * The changes a batch of events makes to their recipients, one update per recipient (opens and
 * clicks of one person in one batch fold together). A click also counts as an open: mail
 * clients often block the pixel, and a person who clicked has read the message.
 */
export function recipientUpdates(events: CampaignEventDoc[]): AnyBulkWriteOperation<RecipientDoc>[] {
  const byRecipient = new Map<
    string,
    { $set: Record<string, boolean>; $min: Record<string, Date>; $max: Record<string, Date> }
  >();
  for (const event of events) {
    let update = byRecipient.get(event.recipientId);
    if (!update) {
      update = { $set: {}, $min: {}, $max: {} };
      byRecipient.set(event.recipientId, update);
    }
    const touch = (flag: string, first: string, last: string) => {
      update!.$set[flag] = true;
      const at = event.occurredAt;
      if (!update!.$min[first] || at < update!.$min[first]) update!.$min[first] = at;
      if (!update!.$max[last] || at > update!.$max[last]) update!.$max[last] = at;
    };
    if (event.type === 'CONVERSION') {
      touch('converted', 'firstConvertedAt', 'lastConvertedAt');
      continue;
    }
    touch('opened', 'firstOpenedAt', 'lastOpenedAt');
    if (event.type === 'CLICK') touch('clicked', 'firstClickedAt', 'lastClickedAt');
  }
  return [...byRecipient].map(([_id, update]) => ({ updateOne: { filter: { _id }, update } }));
}
