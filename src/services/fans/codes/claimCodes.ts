import type { Collection, Filter } from '../../../datasources/store';
import type { CodeDoc } from '../model';
import { reject, type AssignmentReject } from './assignmentRejects';
import { freeCodes, type CodeDispenser } from './codeDispenser';
import { CodeCountChanges, type CodePoolCounts, type CountedCode } from './poolCounts';

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

/** Whether the stored code matches claimableFilter(claim). */
function claimable(doc: CodeDoc, claim: CodeClaim): boolean {
  if (doc.campaignId !== claim.campaignId || doc.kind !== claim.kind) return false;
  if (claim.waveId === null) return doc.state === 'AVAILABLE';
  const waveId = doc.waveId ?? null;
  return (doc.state === 'AVAILABLE' || doc.state === 'RESERVED') && (waveId === null || waveId === claim.waveId);
}

/**
 * Assigns given codes, each by one conditional update: the state test and the change are one
 * atomic write, so of two claims on a code exactly one matches. The codes are read first, while
 * this batch is their only writer in this process, so the updates are only those that will
 * change a code and the pools' counts change in the same commit. A refused claim is explained
 * from the code as it is; a code already assigned to the same fan (a redelivery, or a claim
 * whose entry write a crash cut off) counts as the fan's.
 */
export async function claimGivenCodes(
  codes: Collection<CodeDoc>,
  counts: CodePoolCounts,
  claims: CodeClaim[],
): Promise<ClaimResult[]> {
  return counts.exclusive(
    claims.map((claim) => claim.code),
    async () => {
      const stored = await codes.find({ _id: { $in: [...new Set(claims.map((claim) => claim.code))] } }).toArray();
      const asStored = new Map(stored.map((doc) => [doc._id, doc]));
      const results: ClaimResult[] = [];
      const planned: { index: number; claim: CodeClaim; before: CodeDoc }[] = [];
      claims.forEach((claim, index) => {
        const doc = asStored.get(claim.code);
        if (!doc || !claimable(doc, claim)) {
          results[index] = explainRefusal(claim, doc ?? null);
          return;
        }
        planned.push({ index, claim, before: doc });
        asStored.set(claim.code, { ...doc, state: 'ASSIGNED', entryId: claim.entryId, userId: claim.userId });
        results[index] = { ok: true };
      });
      const missed = await claimAll(
        codes,
        counts,
        planned.map(({ claim, before }) => ({ code: claim.code, filter: claimableFilter(claim), to: claim, before })),
      );
      planned.forEach(({ index, claim }) => {
        const now = missed?.get(claim.code);
        if (now !== undefined) results[index] = explainRefusal(claim, now);
      });
      return results;
    },
  );
}

/**
 * Claims codes by conditional updates (AVAILABLE, or RESERVED for the claim's wave, -> ASSIGNED),
 * issued as one bulk write with the pools' counts: one commit, each update atomic on
 * its own. Answers null when every claim changed its code. Otherwise another process changed a
 * code between the read and the write: the claimed codes are read back by _id, those not
 * ASSIGNED to the claim's entry have their count given back, and are answered as they are now.
 */
async function claimAll(
  codes: Collection<CodeDoc>,
  counts: CodePoolCounts,
  claims: {
    code: string;
    filter: Filter<CodeDoc>;
    to: Pick<CodeClaim, 'entryId' | 'userId' | 'at'>;
    /** The code as read before: its pool and state. */
    before: CountedCode;
  }[],
): Promise<Map<string, CodeDoc | null> | null> {
  if (claims.length === 0) return null;
  const changes = new CodeCountChanges();
  for (const { before } of claims) changes.move(before, before.state, 'ASSIGNED');
  const [{ modifiedCount }] = await Promise.all([
    codes.bulkWrite(
      claims.map(({ filter, to }) => ({ updateOne: { filter, update: assignedTo(to) } })),
      { ordered: false },
    ),
    ...counts.write(changes),
  ]);
  if (modifiedCount === claims.length) return null;
  const docs = await codes.find({ _id: { $in: claims.map((claim) => claim.code) } }).toArray();
  const now = new Map(docs.map((doc) => [doc._id, doc]));
  const missed = new Map<string, CodeDoc | null>();
  const givenBack = new CodeCountChanges();
  for (const claim of claims) {
    const doc = now.get(claim.code);
    if (heldBy(doc, claim.to.entryId)) continue;
    missed.set(claim.code, doc ?? null);
    givenBack.move(claim.before, 'ASSIGNED', claim.before.state);
  }
  await Promise.all(counts.write(givenBack));
  return missed;
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
  { dispenser, counts }: { dispenser: CodeDispenser; counts: CodePoolCounts },
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
        const won = await claimCandidates(
          codes,
          counts,
          { poolId, campaignId },
          candidates,
          waiting.map((index) => requests[index]!),
        );
        const still: number[] = [];
        waiting.forEach((index, slot) => {
          if (won.has(slot)) given[index] = candidates[slot]!;
          else still.push(index);
        });
        waiting = still;
      }
      if (waiting.length === 0) break;
    }
  }
  return given;
}

/**
 * Claims the pool's candidates, the one in each slot for the request in the same slot, while
 * this call is their only writer in the process: the candidates still AVAILABLE are read from
 * the pool's index, then claimed with the pool's counts in one commit. Answers the slots won.
 */
async function claimCandidates(
  codes: Collection<CodeDoc>,
  counts: CodePoolCounts,
  pool: { poolId: string; campaignId: string },
  candidates: string[],
  requests: TakeRequest[],
): Promise<Set<number>> {
  return counts.exclusive(candidates, async () => {
    // the candidate is of this pool (a code never changes pool): its state alone decides
    const free = new Set(await freeCodes(codes, pool.poolId, candidates));
    const before = { ...pool, state: 'AVAILABLE' as const };
    // a code handed out twice in one take (the dispenser started over) is claimed by its first slot
    const claims = candidates.flatMap((code, slot) => {
      if (!free.delete(code)) return [];
      return [{ code, slot, filter: { _id: code, state: 'AVAILABLE' as const }, to: requests[slot]!, before }];
    });
    const missed = await claimAll(codes, counts, claims);
    return new Set(claims.filter((claim) => !missed?.has(claim.code)).map((claim) => claim.slot));
  });
}
