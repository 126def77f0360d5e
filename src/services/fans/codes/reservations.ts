import type { Collection } from '../../../datasources/store';
import { badInput, conflict } from '../../../errors';
import type { CodeDoc, CodeState } from '../model';
import { freeCodes, type CodeDispenser } from './codeDispenser';
import { CodeCountChanges, type CodePoolCounts } from './poolCounts';

export interface WaveReservation {
  campaignId: string;
  waveId: string;
  /** Codes RESERVED for the wave now. */
  held: number;
  /** Of those, reserved by this call. */
  reservedNow: number;
}

const MAX_RESERVATION = 10_000_000;
/** Conditional updates issued together (one commit on the embedded store). */
const CHUNK = 500;

/**
 * Makes a wave hold `count` NON_TM codes of its campaign RESERVED (the waves domain reserves a
 * wave's codes at prep). Idempotent: the codes already RESERVED for the wave count, so a rerun
 * reserves nothing more. Each code moves AVAILABLE -> RESERVED by a conditional update, so no code is reserved
 * twice or reserved while being assigned; the pools' counts change in the same commit. All or
 * nothing: when the pools cannot cover the count, the codes reserved by this call are released
 * and CONFLICT says how many were free.
 */
export async function reserveCodes(
  codes: Collection<CodeDoc>,
  pools: { dispenser: CodeDispenser; counts: CodePoolCounts },
  input: { campaignId: string; waveId: string; count: number },
  now = new Date(),
): Promise<WaveReservation> {
  const { campaignId, waveId, count } = input;
  if (!waveId.trim()) throw badInput('waveId: required', 'waveId');
  if (!Number.isInteger(count) || count < 0 || count > MAX_RESERVATION) {
    throw badInput(`count: a whole number from 0 to ${MAX_RESERVATION}`, 'count');
  }
  const other = await codes.findOne({ waveId, state: 'RESERVED', campaignId: { $ne: campaignId } });
  if (other) throw conflict(`Wave ${waveId} holds codes of campaign ${other.campaignId}, not ${campaignId}`);
  const held = await codes.countDocuments({ waveId, state: 'RESERVED' });
  const reservedNow: string[] = [];
  const claim = { $set: { state: 'RESERVED' as const, waveId, reservedAt: now } };
  for (const poolId of await pools.dispenser.poolsOf(campaignId)) {
    for (let need = count - held - reservedNow.length; need > 0; need = count - held - reservedNow.length) {
      const candidates = await pools.dispenser.take(poolId, Math.min(need, CHUNK));
      if (candidates.length === 0) break;
      const pool = { poolId, campaignId };
      const moved = await pools.counts.exclusive(candidates, async () => {
        const free = await freeCodes(codes, poolId, candidates);
        return moveCounted(codes, pools.counts, pool, free, { from: 'AVAILABLE', to: 'RESERVED' }, (code) =>
          codes.updateOne({ _id: code, poolId, state: 'AVAILABLE' }, claim),
        );
      });
      reservedNow.push(...moved);
    }
  }
  if (held + reservedNow.length < count) {
    await release(codes, pools.counts, waveId, reservedNow);
    const free = reservedNow.length;
    throw conflict(`Wave ${waveId} needs ${count - held} more codes; campaign ${campaignId} has ${free} free`);
  }
  return { campaignId, waveId, held: held + reservedNow.length, reservedNow: reservedNow.length };
}

/**
 * Moves the codes of one pool from one state to another, one conditional update each, with the
 * pool's counts in the same commit; answers the codes moved. A code another process changed
 * between the read and the update is not moved: its count is given back.
 */
async function moveCounted(
  codes: Collection<CodeDoc>,
  counts: CodePoolCounts,
  pool: Pick<CodeDoc, 'poolId' | 'campaignId'>,
  planned: string[],
  states: { from: CodeState; to: CodeState },
  update: (code: string) => Promise<{ modifiedCount: number }>,
): Promise<string[]> {
  if (planned.length === 0) return [];
  const changes = new CodeCountChanges();
  for (let i = 0; i < planned.length; i++) changes.move(pool, states.from, states.to);
  const [results] = await Promise.all([Promise.all(planned.map(update)), ...counts.write(changes)]);
  const moved = planned.filter((_, index) => results[index]!.modifiedCount === 1);
  if (moved.length < planned.length) {
    const givenBack = new CodeCountChanges();
    for (let i = moved.length; i < planned.length; i++) givenBack.move(pool, states.to, states.from);
    await Promise.all(counts.write(givenBack));
  }
  return moved;
}

/** Gives every code still RESERVED for the wave back to its pool; answers how many. */
export async function releaseCodes(
  codes: Collection<CodeDoc>,
  counts: CodePoolCounts,
  waveId: string,
): Promise<number> {
  return release(codes, counts, waveId);
}

/**
 * Gives the wave's RESERVED codes (`only` these, or all) back to their pools, CHUNK at a time,
 * each chunk with its pools' counts in one commit; answers how many.
 */
async function release(
  codes: Collection<CodeDoc>,
  counts: CodePoolCounts,
  waveId: string,
  only?: string[],
): Promise<number> {
  let released = 0;
  for (let from = 0; ; from += CHUNK) {
    const chunk = only
      ? only.slice(from, from + CHUNK)
      : (await codes.find({ waveId, state: 'RESERVED' }, { projection: { _id: 1 }, limit: CHUNK }).toArray()).map(
          (doc) => doc._id,
        );
    if (chunk.length === 0) return released;
    released += await counts.exclusive(chunk, () => releaseChunk(codes, counts, waveId, chunk));
  }
}

async function releaseChunk(
  codes: Collection<CodeDoc>,
  counts: CodePoolCounts,
  waveId: string,
  chunk: string[],
): Promise<number> {
  const held = await codes
    .find({ _id: { $in: chunk }, waveId, state: 'RESERVED' }, { projection: { _id: 1, poolId: 1, campaignId: 1 } })
    .toArray();
  const byPool = new Map<string, CodeDoc[]>();
  for (const doc of held) byPool.set(doc.poolId, [...(byPool.get(doc.poolId) ?? []), doc]);
  const giveBack = { $set: { state: 'AVAILABLE' as const, waveId: null, reservedAt: null } };
  const moved = await Promise.all(
    [...byPool.values()].map((docs) =>
      moveCounted(
        codes,
        counts,
        docs[0]!,
        docs.map((doc) => doc._id),
        { from: 'RESERVED', to: 'AVAILABLE' },
        (code) => codes.updateOne({ _id: code, waveId, state: 'RESERVED' }, giveBack),
      ),
    ),
  );
  return moved.reduce((total, codesMoved) => total + codesMoved.length, 0);
}

/** The codes RESERVED for the wave, in code order (what a wave's prep hands out). */
export async function reservedCodes(codes: Collection<CodeDoc>, waveId: string): Promise<string[]> {
  const docs = await codes.find({ waveId, state: 'RESERVED' }, { projection: { _id: 1 } }).toArray();
  return docs.map((doc) => doc._id).sort();
}
