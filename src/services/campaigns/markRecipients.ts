import type { AnyBulkWriteOperation, BulkWriteResult, Db } from '../../datasources/store';
import { writtenTogether } from '../writtenTogether';
import { C, type RecipientDoc, type RecipientStatus } from './model';
import { STATS_COLLECTIONS, type CampaignStatsDoc } from './statsRollup';

/** What a send or a text gave one recipient. */
export interface RecipientMark {
  recipientId: string;
  set: Pick<RecipientDoc, 'status'> & Partial<Pick<RecipientDoc, 'sentAt' | 'reason'>>;
}

/**
 * Marks recipients of one campaign with what their send gave, and counts those it marks SENT in
 * the campaign's totals (`sent`, statsRollup.ts), in one commit: the writes are issued together,
 * so a crash keeps both or neither. A recipient moves only from one of the `from` statuses (SENT
 * is never one, so none is counted twice), and `movable` names the recipients read in one of them
 * just before: a batch that raced another writer for the same recipients (a superseded send
 * finishing its batch, a redelivered job) neither marks nor counts the ones that writer moved.
 * Answers how many recipients changed.
 */
export async function markRecipients(
  db: Db,
  campaignId: string,
  marks: readonly RecipientMark[],
  from: readonly RecipientStatus[],
  movable: ReadonlySet<string>,
): Promise<number> {
  const status = from.length === 1 ? from[0] : { $in: [...from] };
  const updates: AnyBulkWriteOperation<RecipientDoc>[] = [];
  let sent = 0;
  for (const { recipientId, set } of marks) {
    if (!movable.has(recipientId)) continue;
    updates.push({ updateOne: { filter: { _id: recipientId, status }, update: { $set: set } } });
    if (set.status === 'SENT') sent += 1;
  }
  const writes: Promise<unknown>[] = [];
  if (updates.length > 0) writes.push(db.collection<RecipientDoc>(C.recipients).bulkWrite(updates, { ordered: false }));
  if (sent > 0) {
    writes.push(
      db
        .collection<CampaignStatsDoc>(STATS_COLLECTIONS.totals)
        .updateOne({ _id: campaignId }, { $inc: { sent } }, { upsert: true }),
    );
  }
  const [marked] = await writtenTogether(writes);
  return updates.length > 0 ? (marked as BulkWriteResult).modifiedCount : 0;
}

/** Which of these recipients are in one of the `from` statuses now: those a mark may move. */
export async function movableRecipients(
  db: Db,
  recipientIds: readonly string[],
  from: readonly RecipientStatus[],
): Promise<Set<string>> {
  if (recipientIds.length === 0) return new Set();
  const found = await db
    .collection<RecipientDoc>(C.recipients)
    .find({ _id: { $in: [...recipientIds] } }, { projection: { status: 1 } })
    .toArray();
  return new Set(found.filter((recipient) => from.includes(recipient.status)).map((recipient) => recipient._id));
}
