import { randomBytes } from 'node:crypto';
import type { Db, Filter } from '../../../datasources/store';
import { WAVE_MESSAGES, type WaveMessageDoc } from '../model';

/**
 * A claimed message is sent within this long of its claim, or its claim is renewed first: so a
 * worker that lost its run (stalled, superseded) can no longer start a send once this, plus the
 * provider's timeout, has passed since the claim. Reconciliation relies on it.
 */
export const CLAIM_FRESH_MS = 10_000;

/**
 * Who holds a claim: the wave-send job run (job id and attempt, so a takeover of the job tells
 * the old run's claims apart) and a batch number unique in this process.
 */
export class Claimer {
  private batch = 0;
  private readonly nonce = randomBytes(4).toString('hex');

  constructor(
    readonly jobId: string,
    readonly attempt: number,
  ) {}

  nextToken(): string {
    this.batch += 1;
    return `${this.jobId}|${this.attempt}|${this.nonce}.${this.batch}`;
  }

  owns(claimedBy: string | null): boolean {
    return claimedBy?.startsWith(`${this.jobId}|${this.attempt}|${this.nonce}.`) ?? false;
  }
}

/** The job run a claim names: its job id and attempt; null for a claim not made by a job. */
export function claimRunOf(claimedBy: string): { jobId: string; attempt: number } | null {
  const [jobId, attempt, rest] = claimedBy.split('|');
  if (!jobId || !attempt || rest === undefined) return null;
  return { jobId, attempt: Number(attempt) };
}

export interface ClaimRequest {
  waveId: string;
  /**
   * Only recipients of this time zone (quiet hours close others); null: any. One zone at a time,
   * so that the zone index gives the rows in order.
   */
  zone: string | null;
  limit: number;
  token: string;
  now: Date;
}

/**
 * Claims up to `limit` PENDING messages in row order (not those waiting for a retry): they are
 * read, then one conditional update moves those still PENDING to SENDING under this claim's
 * token. Two workers racing for the same rows each get a different share, never the same row:
 * when the update did not take them all, the ones it took are read back by token.
 */
export async function claimMessages(db: Db, request: ClaimRequest): Promise<WaveMessageDoc[]> {
  const messages = db.collection<WaveMessageDoc>(WAVE_MESSAGES);
  const { waveId, zone, limit, token, now } = request;
  const filter = {
    waveId,
    status: 'PENDING',
    ...(zone ? { timeZone: zone } : {}),
    retryAt: null,
  } as Filter<WaveMessageDoc>;
  const candidates = await messages.find(filter, { sort: { row: 1 }, limit }).toArray();
  if (candidates.length === 0) return [];
  const ids = candidates.map((candidate) => candidate._id);
  const claim = { status: 'SENDING' as const, claimedAt: now, claimedBy: token, updatedAt: now };
  const result = await messages.updateMany({ _id: { $in: ids }, status: 'PENDING' } as Filter<WaveMessageDoc>, {
    $set: claim,
  });
  if (result.modifiedCount === ids.length) return candidates.map((candidate) => ({ ...candidate, ...claim }));
  return messages
    .find({ _id: { $in: ids }, status: 'SENDING', claimedBy: token } as Filter<WaveMessageDoc>, { sort: { row: 1 } })
    .toArray();
}

/**
 * Messages whose retry time has come are claimable again (their retryAt goes): one range of the
 * sparse retryAt index, which holds only the messages waiting for a retry, of every wave.
 */
export async function releaseDueRetries(db: Db, now: Date): Promise<number> {
  const result = await db
    .collection<WaveMessageDoc>(WAVE_MESSAGES)
    .updateMany({ retryAt: { $lte: now } } as Filter<WaveMessageDoc>, { $unset: { retryAt: '' } });
  return result.modifiedCount;
}

/**
 * Renews the claim of a message that waited past CLAIM_FRESH_MS before its send; false when the
 * claim was lost meanwhile (reconciled as a dead worker's), and the message must not be sent.
 */
export async function renewClaim(db: Db, message: WaveMessageDoc, now: Date): Promise<boolean> {
  const result = await db
    .collection<WaveMessageDoc>(WAVE_MESSAGES)
    .updateOne({ _id: message._id, status: 'SENDING', claimedBy: message.claimedBy } as Filter<WaveMessageDoc>, {
      $set: { claimedAt: now, updatedAt: now },
    });
  if (result.modifiedCount === 1) message.claimedAt = now;
  return result.modifiedCount === 1;
}

/** Gives unsent claimed messages back (a pause, a stop): PENDING again for any worker. */
export async function releaseClaims(db: Db, messages: readonly WaveMessageDoc[]): Promise<number> {
  if (messages.length === 0) return 0;
  const result = await db.collection<WaveMessageDoc>(WAVE_MESSAGES).updateMany(
    {
      _id: { $in: messages.map((message) => message._id) },
      status: 'SENDING',
      claimedBy: { $in: [...new Set(messages.map((message) => message.claimedBy))] },
    } as Filter<WaveMessageDoc>,
    { $set: { status: 'PENDING', claimedAt: null, claimedBy: null, updatedAt: new Date() } },
  );
  return result.modifiedCount;
}
