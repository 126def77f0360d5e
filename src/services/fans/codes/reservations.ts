import type { Collection } from '../../../datasources/store';
import { badInput, conflict } from '../../../errors';
import type { CodeDoc } from '../model';
import type { CodeDispenser } from './codeDispenser';

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
 * twice or reserved while being assigned. All or nothing: when the pools cannot cover the
 * count, the codes reserved by this call are released and CONFLICT says how many were free.
 */
export async function reserveCodes(
  codes: Collection<CodeDoc>,
  dispenser: CodeDispenser,
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
  for (const poolId of await dispenser.poolsOf(campaignId)) {
    for (let need = count - held - reservedNow.length; need > 0; need = count - held - reservedNow.length) {
      const candidates = await dispenser.take(poolId, Math.min(need, CHUNK));
      if (candidates.length === 0) break;
      const results = await Promise.all(
        candidates.map((code) => codes.updateOne({ _id: code, poolId, state: 'AVAILABLE' }, claim)),
      );
      candidates.forEach((code, index) => {
        if (results[index]!.modifiedCount === 1) reservedNow.push(code);
      });
    }
  }
  if (held + reservedNow.length < count) {
    await release(codes, waveId, reservedNow);
    const free = reservedNow.length;
    throw conflict(`Wave ${waveId} needs ${count - held} more codes; campaign ${campaignId} has ${free} free`);
  }
  return { campaignId, waveId, held: held + reservedNow.length, reservedNow: reservedNow.length };
}

/** Gives every code still RESERVED for the wave back to its pool; answers how many. */
export async function releaseCodes(codes: Collection<CodeDoc>, waveId: string): Promise<number> {
  return release(codes, waveId);
}

async function release(codes: Collection<CodeDoc>, waveId: string, only?: string[]): Promise<number> {
  if (only?.length === 0) return 0;
  const filter = only
    ? { _id: { $in: only }, waveId, state: 'RESERVED' as const }
    : { waveId, state: 'RESERVED' as const };
  const { modifiedCount } = await codes.updateMany(filter, {
    $set: { state: 'AVAILABLE', waveId: null, reservedAt: null },
  });
  return modifiedCount;
}

/** The codes RESERVED for the wave, in code order (what a wave's prep hands out). */
export async function reservedCodes(codes: Collection<CodeDoc>, waveId: string): Promise<string[]> {
  const docs = await codes.find({ waveId, state: 'RESERVED' }, { projection: { _id: 1 } }).toArray();
  return docs.map((doc) => doc._id).sort();
}
