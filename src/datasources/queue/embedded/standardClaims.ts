import type { Collection } from 'mongodb';
import { newReceipt, type Claim, type ClaimResult } from './claim';
import type { MessageDocument } from './documents';

interface Request {
  max: number;
  resolve(result: ClaimResult): void;
  reject(error: unknown): void;
}

/**
 * Standard queue receives of this process, claimed together. Receives of one queue and
 * visibility timeout that arrive while a claim is being written wait for it and then share the
 * next one: one read of the earliest visible messages, one updateMany guarded by `visibleAt <=
 * now` (the store applies it to each message atomically, so receivers of other processes never
 * take the same message), one read-back by the round's receipt token of those this round won,
 * dealt out to the receives in order. The cost of a claim is paid per round, not per message,
 * and receivers of one process never race each other for the same messages.
 */
export class StandardClaims {
  private readonly rounds = new Map<string, { running: boolean; waiting: Request[] }>();

  constructor(private readonly messages: Collection<MessageDocument>) {}

  claim(queue: string, max: number, visibilitySeconds: number): Promise<ClaimResult> {
    const key = `${queue}\u0000${visibilitySeconds}`;
    let state = this.rounds.get(key);
    if (!state) {
      state = { running: false, waiting: [] };
      this.rounds.set(key, state);
    }
    const request = new Promise<ClaimResult>((resolve, reject) => state!.waiting.push({ max, resolve, reject }));
    // Started on the next microtask, so receives issued together join the same round.
    if (!state.running) {
      state.running = true;
      queueMicrotask(() => void this.run(key, queue, visibilitySeconds));
    }
    return request;
  }

  /** Claims rounds until no receive waits. */
  private async run(key: string, queue: string, visibilitySeconds: number): Promise<void> {
    const state = this.rounds.get(key)!;
    while (state.waiting.length > 0) {
      const requests = state.waiting;
      state.waiting = [];
      try {
        const now = new Date();
        const claim = { queue, now, max: requests.reduce((sum, r) => sum + r.max, 0), visibleUntil: new Date(now.getTime() + visibilitySeconds * 1000) };
        deal(requests, await claimRound(this.messages, claim));
      } catch (error) {
        for (const request of requests) request.reject(error);
      }
    }
    state.running = false;
    this.rounds.delete(key);
  }
}

async function claimRound(messages: Collection<MessageDocument>, claim: Claim): Promise<ClaimResult> {
  const due = { queue: claim.queue, visibleAt: { $lte: claim.now } };
  const visible = await messages.find(due, { sort: { visibleAt: 1 }, limit: claim.max, projection: { _id: 1 } }).toArray();
  if (visible.length === 0) return { claimed: [], contended: false };
  const ids = visible.map((doc) => doc._id);
  const receipt = newReceipt();
  const { modifiedCount } = await messages.updateMany(
    { _id: { $in: ids }, ...due },
    { $set: { visibleAt: claim.visibleUntil, receipt }, $inc: { receiveCount: 1 } },
  );
  if (modifiedCount === 0) return { claimed: [], contended: true };
  const claimed = await messages.find({ _id: { $in: ids }, receipt }, { sort: { _id: 1 } }).toArray();
  // Fewer than found: receivers of another process took the others first.
  return { claimed, contended: claimed.length < ids.length };
}

/** Each receive gets up to its max, in order; a receive left without any is told why. */
function deal(requests: Request[], { claimed, contended }: ClaimResult): void {
  let next = 0;
  for (const request of requests) {
    const share = claimed.slice(next, next + request.max);
    next += share.length;
    request.resolve({ claimed: share, contended: share.length === 0 && contended });
  }
}
