import { randomBytes } from 'node:crypto';
import type { Collection } from '../../store';
import type { MessageDocument } from './documents';

/** How far past the batch size a FIFO receive looks for groups whose head is free. */
const FIFO_SCAN_FACTOR = 10;

export interface Claim {
  queue: string;
  max: number;
  now: Date;
  visibleUntil: Date;
}

export interface ClaimResult {
  claimed: MessageDocument[];
  /**
   * Another receiver took messages this one found (a FIFO group head; on a standard queue, a
   * receiver of another process): try again at once rather than wait.
   */
  contended: boolean;
}

export const newReceipt = () => randomBytes(9).toString('base64url');

/**
 * FIFO queue: a group's head (its oldest message) is the only one that may be delivered, and an
 * in-flight head keeps its group blocked because it stays the head until deleted. So the group
 * lock is the head's own visibility, claimed atomically with findOneAndUpdate.
 */
export async function claimFifo(messages: Collection<MessageDocument>, claim: Claim): Promise<ClaimResult> {
  const candidates = await messages
    .find(
      { queue: claim.queue, visibleAt: { $lte: claim.now } },
      { sort: { _id: 1 }, limit: claim.max * FIFO_SCAN_FACTOR, projection: { groupId: 1 } },
    )
    .toArray();
  const groups = [...new Set(candidates.map((c) => c.groupId))];
  const claimed: MessageDocument[] = [];
  let contended = false;
  for (const groupId of groups) {
    if (claimed.length >= claim.max) break;
    const head = await messages.findOne(
      { queue: claim.queue, groupId },
      { sort: { _id: 1 }, projection: { _id: 1, visibleAt: 1 } },
    );
    if (!head || head.visibleAt > claim.now) continue;
    const taken = await messages.findOneAndUpdate(
      { _id: head._id, queue: claim.queue, visibleAt: { $lte: claim.now } },
      { $set: { visibleAt: claim.visibleUntil, receipt: newReceipt() }, $inc: { receiveCount: 1 } },
      { returnDocument: 'after' },
    );
    if (taken) claimed.push(taken);
    else contended = true;
  }
  return { claimed, contended };
}
