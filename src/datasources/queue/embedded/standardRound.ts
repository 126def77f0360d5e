import type { Collection } from '../../store';
import { newReceipt, type Claim, type ClaimResult } from './claim';
import type { MessageDocument } from './documents';

/**
 * One claim round on a standard queue: the earliest visible messages are read whole, then
 * claimed under a fresh receipt token by one updateMany per delivery state (receive count and
 * previous receipt; fresh messages all share one), guarded by that state and `visibleAt <= now`.
 * The store applies the guard to each message atomically, so receivers of other processes
 * never take the same message. A message whose delivery state is unchanged differs from what
 * was read only in the fields the claim sets (body, sentAt and group never change), so when a
 * group is claimed whole its messages are known without reading them again; a group claimed in
 * part (another process took some) is read back by _id and kept by receipt.
 */
export async function claimRound(messages: Collection<MessageDocument>, claim: Claim): Promise<ClaimResult> {
  const visible = await messages
    .find({ queue: claim.queue, visibleAt: { $lte: claim.now } }, { sort: { visibleAt: 1 }, limit: claim.max })
    .toArray();
  if (visible.length === 0) return { claimed: [], contended: false };
  const receipt = newReceipt();
  const groups = await Promise.all(
    [...byDeliveryState(visible)].map((group) => claimGroup(messages, claim, group, receipt)),
  );
  const claimed = groups.flat();
  // Fewer than found: receivers of another process took the others first.
  return { claimed, contended: claimed.length < visible.length };
}

function byDeliveryState(visible: MessageDocument[]): Iterable<MessageDocument[]> {
  const groups = new Map<string, MessageDocument[]>();
  for (const doc of visible) {
    const state = `${doc.receiveCount}\u0000${doc.receipt ?? ''}`;
    const group = groups.get(state);
    if (group) group.push(doc);
    else groups.set(state, [doc]);
  }
  return groups.values();
}

async function claimGroup(
  messages: Collection<MessageDocument>,
  claim: Claim,
  group: MessageDocument[],
  receipt: string,
): Promise<MessageDocument[]> {
  const { receiveCount, receipt: previous } = group[0]!;
  const ids = group.map((doc) => doc._id);
  const { modifiedCount } = await messages.updateMany(
    {
      _id: { $in: ids },
      queue: claim.queue,
      visibleAt: { $lte: claim.now },
      receiveCount,
      receipt: previous ?? { $exists: false },
    },
    { $set: { visibleAt: claim.visibleUntil, receipt }, $inc: { receiveCount: 1 } },
  );
  if (modifiedCount === ids.length) {
    return group.map((doc) => ({ ...doc, visibleAt: claim.visibleUntil, receipt, receiveCount: receiveCount + 1 }));
  }
  if (modifiedCount === 0) return [];
  const read = await messages.find({ _id: { $in: ids } }).toArray();
  return read.filter((doc) => doc.receipt === receipt);
}
