import { randomBytes } from 'node:crypto';
import type { Collection } from 'mongodb';
import type { MessageDocument } from './documents';

/** How far past the batch size a FIFO receive looks for groups whose head is free. */
const FIFO_SCAN_FACTOR = 10;
/** How many candidates a standard receive draws its batch from. */
const STANDARD_WINDOW_FACTOR = 4;

export interface Claim {
  queue: string;
  max: number;
  now: Date;
  visibleUntil: Date;
}

export interface ClaimResult {
  claimed: MessageDocument[];
  /** Another receiver took messages this one found: try again at once rather than wait. */
  contended: boolean;
}

const newReceipt = () => randomBytes(9).toString('base64url');

/**
 * Standard queue: find visible candidates, then claim them in one updateMany guarded by
 * `visibleAt <= now`. The guard is re-checked per document by the store, so of two processes
 * racing for a message exactly one gets it; the winner finds its messages by its receipt token.
 * Receivers pick a random part of a wider window of candidates, so concurrent receivers mostly
 * claim different messages instead of all racing for the same oldest ten (standard queues
 * promise no order, as on SQS).
 */
export async function claimStandard(messages: Collection<MessageDocument>, claim: Claim): Promise<ClaimResult> {
  const due = { queue: claim.queue, visibleAt: { $lte: claim.now } };
  const window = await messages.find(due, { sort: { visibleAt: 1 }, limit: claim.max * STANDARD_WINDOW_FACTOR }).toArray();
  if (window.length === 0) return { claimed: [], contended: false };
  const receipt = newReceipt();
  const picked = pickRandom(window, claim.max);
  const ids = picked.map((doc) => doc._id);
  const { modifiedCount } = await messages.updateMany(
    { _id: { $in: ids }, ...due },
    { $set: { visibleAt: claim.visibleUntil, receipt }, $inc: { receiveCount: 1 } },
  );
  if (modifiedCount === ids.length) {
    // Every pick was ours: the documents read are the claimed ones, as updated. (Their receive
    // count is approximate, as on SQS, should another receiver have claimed and released one
    // between the read and the claim.)
    return {
      claimed: picked.map((doc) => ({ ...doc, visibleAt: claim.visibleUntil, receipt, receiveCount: doc.receiveCount + 1 })),
      contended: false,
    };
  }
  const claimed = await messages.find({ _id: { $in: ids }, receipt }, { sort: { visibleAt: 1, _id: 1 } }).toArray();
  return { claimed, contended: true };
}

function pickRandom<T>(items: T[], count: number): T[] {
  if (items.length <= count) return items;
  const pool = [...items];
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(Math.random() * (pool.length - i));
    [pool[i], pool[j]] = [pool[j], pool[i]];
  }
  return pool.slice(0, count);
}

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
