import type { Db } from '../../store';
import { DEDUPLICATION_WINDOW_MS } from '../port';
import { DEDUPLICATION, type DeduplicationDocument } from './documents';

const DUPLICATE_KEY = 11000;

/**
 * Records a FIFO deduplication id for 5 minutes and returns the id of the message that owns it:
 * `messageId` when this send is the first (or the earlier one expired), else the first one's.
 * The unique _id makes two processes sending the same id at once agree on one winner.
 */
export async function rememberDeduplicationId(
  db: Db,
  queue: string,
  deduplicationId: string,
  messageId: string,
  now: Date,
): Promise<string> {
  const records = db.collection<DeduplicationDocument>(DEDUPLICATION);
  const _id = `${queue}\u0000${deduplicationId}`;
  const expiresAt = new Date(now.getTime() + DEDUPLICATION_WINDOW_MS);
  try {
    await records.insertOne({ _id, messageId, expiresAt });
    return messageId;
  } catch (error) {
    if ((error as { code?: number }).code !== DUPLICATE_KEY) throw error;
  }
  // The id is known: it still deduplicates unless its window has passed (the TTL sweep is lazy).
  const renewed = await records.findOneAndUpdate(
    { _id, expiresAt: { $lte: now } },
    { $set: { messageId, expiresAt } },
    { returnDocument: 'after' },
  );
  if (renewed) return messageId;
  const current = await records.findOne({ _id });
  return current?.messageId ?? messageId;
}

export const isDuplicate = (ownerId: string, messageId: string) => ownerId !== messageId;
