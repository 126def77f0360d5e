import type { Collection, Filter } from '../../../datasources/store';
import type { CodeDoc } from '../model';
import { reject, type AssignmentReject } from './assignmentRejects';
import type { CodeDispenser } from './codeDispenser';

/** A fan's claim on a code that lives in a pool (NON_TM or OFFER). */
export interface CodeClaim {
  code: string;
  kind: CodeDoc['kind'];
  campaignId: string;
  entryId: string;
  userId: string;
  /** The record's wave: a code RESERVED for it may be assigned. */
  waveId: string | null;
  at: Date;
}

export type ClaimResult = { ok: true } | { ok: false; rejected: AssignmentReject };

const assignedTo = (claim: Pick<CodeClaim, 'entryId' | 'userId' | 'at'>) => ({
  $set: { state: 'ASSIGNED' as const, entryId: claim.entryId, userId: claim.userId, assignedAt: claim.at },
});

/** Matches the code only while it may go to this claim: AVAILABLE, or RESERVED for the claim's wave. */
function claimableFilter(claim: CodeClaim): Filter<CodeDoc> {
  const { code, campaignId, kind, waveId } = claim;
  if (waveId === null) return { _id: code, campaignId, kind, state: 'AVAILABLE' };
  // AVAILABLE codes carry no wave; RESERVED ones carry theirs
  return { _id: code, campaignId, kind, state: { $in: ['AVAILABLE', 'RESERVED'] }, waveId: { $in: [null, waveId] } };
}

/**
 * Assigns given codes, each by one conditional update: the state test and the change are one
 * atomic write, so of two claims on a code exactly one matches. A refused claim is explained
 * from the code as it is now; a code already assigned to the same fan (a redelivery, or a claim
 * whose entry write a crash cut off) counts as the fan's.
 */
export async function claimGivenCodes(codes: Collection<CodeDoc>, claims: CodeClaim[]): Promise<ClaimResult[]> {
  const docs = await claimAll(
    codes,
    claims.map((claim) => ({ code: claim.code, filter: claimableFilter(claim), to: claim })),
  );
  if (!docs) return claims.map(() => ({ ok: true }));
  return claims.map((claim) => explainRefusal(claim, docs.get(claim.code) ?? null));
}

/**
 * Claims codes by conditional updates (AVAILABLE, or RESERVED for the claim's wave, -> ASSIGNED),
 * issued as one bulk write: one commit, each update atomic on its own. Answers null when every
 * claim changed its code; otherwise the claimed codes as they are now, read back by _id, which
 * tell the claims that won (the code ASSIGNED to the claim's entry) from those refused.
 */
async function claimAll(
  codes: Collection<CodeDoc>,
  claims: { code: string; filter: Filter<CodeDoc>; to: Pick<CodeClaim, 'entryId' | 'userId' | 'at'> }[],
): Promise<Map<string, CodeDoc> | null> {
  const { modifiedCount } = await codes.bulkWrite(
    claims.map(({ filter, to }) => ({ updateOne: { filter, update: assignedTo(to) } })),
    { ordered: false },
  );
  if (modifiedCount === claims.length) return null;
  const docs = await codes.find({ _id: { $in: claims.map((claim) => claim.code) } }).toArray();
  return new Map(docs.map((doc) => [doc._id, doc]));
}

/** Whether the code, as read back after a claim, is assigned to the claim's entry. */
const heldBy = (doc: CodeDoc | undefined, entryId: string) => doc?.state === 'ASSIGNED' && doc.entryId === entryId;

function explainRefusal(claim: CodeClaim, doc: CodeDoc | null): ClaimResult {
  const code = claim.code;
  if (!doc) return { ok: false, rejected: reject('CODE_NOT_FOUND', `code ${code} is in no code pool`) };
  if (doc.campaignId !== claim.campaignId) {
    return { ok: false, rejected: reject('CODE_OF_OTHER_CAMPAIGN', `code ${code} belongs to another campaign`) };
  }
  if (doc.kind !== claim.kind) {
    return { ok: false, rejected: reject('CODE_KIND_MISMATCH', `code ${code} is ${doc.kind}, not ${claim.kind}`) };
  }
  if (doc.state === 'ASSIGNED') {
    if (doc.entryId === claim.entryId) return { ok: true };
    return { ok: false, rejected: reject('CODE_ALREADY_ASSIGNED', `code ${code} is assigned to another fan`) };
  }
  if (doc.state === 'RESERVED') {
    return { ok: false, rejected: reject('CODE_RESERVED', `code ${code} is reserved for wave ${doc.waveId}`) };
  }
  // AVAILABLE now: released from a wave between the claim and this read
  return { ok: false, rejected: reject('CODE_RESERVED', `code ${code} was reserved for a wave; send it again`) };
}

export interface TakeRequest {
  campaignId: string;
  entryId: string;
  userId: string;
  at: Date;
}

/** Claims per request before giving up on a pool that other processes keep emptying. */
const MAX_TAKE_ROUNDS = 5;

/**
 * Gives each fan the next free NON_TM code of its campaign (oldest pool first), or null when
 * the pools are empty. A code a crash left ASSIGNED to the fan, with its entry never updated,
 * is given back to it first, so a redelivered record does not take a second code.
 */
export async function takePoolCodes(
  codes: Collection<CodeDoc>,
  dispenser: CodeDispenser,
  requests: TakeRequest[],
): Promise<(string | null)[]> {
  const given: (string | null)[] = requests.map(() => null);
  const leftovers = await codes
    .find(
      { entryId: { $in: requests.map((request) => request.entryId) }, state: 'ASSIGNED', kind: 'NON_TM' },
      { projection: { _id: 1, entryId: 1 } },
    )
    .toArray();
  const leftoverOf = new Map(leftovers.map((doc) => [doc.entryId, doc._id]));
  let waiting: number[] = [];
  requests.forEach((request, index) => {
    const leftover = leftoverOf.get(request.entryId);
    if (leftover) given[index] = leftover;
    else waiting.push(index);
  });
  const byCampaign = new Map<string, number[]>();
  for (const index of waiting) {
    const campaignId = requests[index]!.campaignId;
    const indexes = byCampaign.get(campaignId);
    if (indexes) indexes.push(index);
    else byCampaign.set(campaignId, [index]);
  }
  for (const [campaignId, indexes] of byCampaign) {
    waiting = indexes;
    for (const poolId of await dispenser.poolsOf(campaignId)) {
      for (let round = 0; round < MAX_TAKE_ROUNDS && waiting.length > 0; round += 1) {
        const candidates = await dispenser.take(poolId, waiting.length);
        if (candidates.length === 0) break;
        // the candidate is of this pool (a code never changes pool): its state alone decides
        const docs = await claimAll(
          codes,
          candidates.map((code, slot) => ({
            code,
            filter: { _id: code, state: 'AVAILABLE' },
            to: requests[waiting[slot]!]!,
          })),
        );
        const still: number[] = [];
        waiting.forEach((index, slot) => {
          const code = candidates[slot];
          if (code !== undefined && (!docs || heldBy(docs.get(code), requests[index]!.entryId))) given[index] = code;
          else still.push(index);
        });
        waiting = still;
      }
      if (waiting.length === 0) break;
    }
  }
  return given;
}
