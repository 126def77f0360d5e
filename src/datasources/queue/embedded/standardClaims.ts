import type { Collection } from '../../store';
import type { ClaimResult } from './claim';
import type { MessageDocument } from './documents';
import { claimRound } from './standardRound';

interface Request {
  max: number;
  resolve(result: ClaimResult): void;
  reject(error: unknown): void;
}

/**
 * Standard queue receives of this process, claimed together. Receives of one queue and
 * visibility timeout that arrive while a claim is being written wait for it and then share the
 * next round (standardRound.ts), whose messages are dealt out to them in order. The cost of a
 * claim is paid per round, not per message, and receivers of one process never race each other
 * for the same messages.
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
        const claim = {
          queue,
          now,
          max: requests.reduce((sum, r) => sum + r.max, 0),
          visibleUntil: new Date(now.getTime() + visibilitySeconds * 1000),
        };
        deal(requests, await claimRound(this.messages, claim));
      } catch (error) {
        for (const request of requests) request.reject(error);
      }
    }
    state.running = false;
    this.rounds.delete(key);
  }
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
