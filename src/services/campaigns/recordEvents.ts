import type { AnyBulkWriteOperation, Db } from '../../datasources/store';
import { C, newId, recipientId, type CampaignEventDoc, type CampaignEventType, type RecipientDoc } from './model';

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

/** Batches written at once: one commits while the next one's documents are written. */
const BATCHES_IN_FLIGHT = 2;

/**
 * Writes engagement events with group commit: events arriving within a few milliseconds are
 * stored together (one insertMany, one bulkWrite of recipient updates), and every caller's
 * promise settles only once its event is stored. Under load that is two round trips per
 * hundreds of events instead of two per event, with the same durability.
 *
 * Each event is inserted first (unique _id: a retried id is stored once), then applied to its
 * recipient with $set/$min/$max only, so applying an event twice changes nothing and the
 * recipient's flags can always be rebuilt from the events. Two batches may be in flight: their
 * updates commute, and the second one's insert shares a commit with the first one's updates.
 */
export class CampaignEventRecorder {
  private queue: Pending[] = [];
  private timer: NodeJS.Timeout | null = null;
  private readonly writing = new Set<Promise<void>>();

  constructor(
    private readonly db: Db,
    private readonly options: { maxBatch?: number; maxDelayMs?: number; clock?: () => Date } = {},
  ) {}

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
    const written: Promise<void> = storeEvents(
      this.db,
      batch.map((p) => p.event),
    ).then(
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

/** Inserts events (an id already stored is skipped) and applies them all to their recipients. */
export async function storeEvents(db: Db, events: CampaignEventDoc[]): Promise<void> {
  try {
    await db.collection<CampaignEventDoc>(C.events).insertMany(events, { ordered: false });
  } catch (error) {
    const writeErrors = (error as { writeErrors?: { code?: number }[] }).writeErrors;
    const onlyDuplicates =
      (error as { code?: number }).code === 11000 &&
      (!Array.isArray(writeErrors) || writeErrors.every((e) => e.code === 11000));
    if (!onlyDuplicates) throw error;
  }
  await db.collection<RecipientDoc>(C.recipients).bulkWrite(recipientUpdates(events), { ordered: false });
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
