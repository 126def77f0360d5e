import type { Collection } from '../../../datasources/store';
import type { CodeDoc, CodePoolDoc } from '../model';

interface PoolCursor {
  /** Codes read as AVAILABLE and not handed out yet, in code order. */
  candidates: string[];
  /** The last code read: the next read continues after it (null: from the start). */
  after: string | null;
  refilling: Promise<number> | null;
}

/** How long a campaign's list of pools is reused (an upload's new pool is seen within it). */
const POOLS_CACHE_MS = 1000;

/**
 * Hands out candidate codes of a pool for the no-code assignments of this process, each to one
 * caller only, read from the pool's (poolId, state, _id) index a few hundred at a time. It
 * proposes, it does not decide: the caller's conditional update (state AVAILABLE -> ASSIGNED)
 * is what makes a code its own, so a code another process took meanwhile is simply refused
 * there and the caller asks again. Without it, concurrent workers would all race for the
 * pool's first free code.
 */
export class CodeDispenser {
  private readonly cursors = new Map<string, PoolCursor>();
  private readonly pools = new Map<string, { ids: string[]; until: number }>();

  constructor(
    private readonly codes: Collection<CodeDoc>,
    private readonly codePools: Collection<CodePoolDoc>,
    private readonly readSize = 500,
  ) {}

  /** The campaign's NON_TM pools, oldest first: codes are taken from the oldest pool that has any. */
  async poolsOf(campaignId: string): Promise<string[]> {
    const now = Date.now();
    const cached = this.pools.get(campaignId);
    if (cached && cached.until > now) return cached.ids;
    const docs = await this.codePools
      .find({ campaignId, kind: 'NON_TM' }, { sort: { createdAt: 1, _id: 1 }, projection: { _id: 1 } })
      .toArray();
    const ids = docs.map((doc) => doc._id);
    if (this.pools.size > 10_000) this.pools.clear();
    this.pools.set(campaignId, { ids, until: now + POOLS_CACHE_MS });
    return ids;
  }

  /** Forgets a campaign's pools (a pool was just made in this process). */
  forget(campaignId: string): void {
    this.pools.delete(campaignId);
  }

  /** Up to `count` codes of the pool that were AVAILABLE when read; fewer when the pool runs out. */
  async take(poolId: string, count: number): Promise<string[]> {
    const cursor = this.cursorOf(poolId);
    const taken: string[] = [];
    // one empty read ends the pass through the pool; a second, from its start, means it is empty
    let emptyReads = 0;
    while (taken.length < count && emptyReads < 2) {
      if (cursor.candidates.length === 0) {
        if ((await this.refill(cursor, poolId)) === 0) emptyReads += 1;
        continue;
      }
      taken.push(...cursor.candidates.splice(0, count - taken.length));
    }
    return taken;
  }

  private cursorOf(poolId: string): PoolCursor {
    let cursor = this.cursors.get(poolId);
    if (!cursor) {
      if (this.cursors.size > 10_000) this.cursors.clear();
      cursor = { candidates: [], after: null, refilling: null };
      this.cursors.set(poolId, cursor);
    }
    return cursor;
  }

  private refill(cursor: PoolCursor, poolId: string): Promise<number> {
    cursor.refilling ??= this.read(cursor, poolId).finally(() => {
      cursor.refilling = null;
    });
    return cursor.refilling;
  }

  private async read(cursor: PoolCursor, poolId: string): Promise<number> {
    const after = cursor.after === null ? {} : { _id: { $gt: cursor.after } };
    const docs = await this.codes
      .find(
        { poolId, state: 'AVAILABLE', ...after },
        { sort: { _id: 1 }, limit: this.readSize, projection: { _id: 1 } },
      )
      .toArray();
    // past the end, the next read starts over: codes released or uploaded since are found there
    cursor.after = docs.at(-1)?._id ?? null;
    for (const doc of docs) cursor.candidates.push(doc._id);
    return docs.length;
  }
}

/**
 * Of these codes of the pool, those AVAILABLE now (each once), read from the pool's
 * (poolId, state, _id) index alone: one range per ascending run of the candidates (a take hands
 * out codes in code order, starting over once at most), so only the index entries between a
 * run's first and last code are read, and no code document.
 */
export async function freeCodes(codes: Collection<CodeDoc>, poolId: string, candidates: string[]): Promise<string[]> {
  const runs: string[][] = [];
  for (const code of candidates) {
    const run = runs.at(-1);
    if (run && code > run.at(-1)!) run.push(code);
    else runs.push([code]);
  }
  const reads = runs.map((run) =>
    codes
      .find({ poolId, state: 'AVAILABLE', _id: { $gte: run[0]!, $lte: run.at(-1)! } }, { projection: { _id: 1 } })
      .toArray(),
  );
  const free = new Set((await Promise.all(reads)).flat().map((doc) => doc._id));
  // a code handed out twice (the take started over) is answered once
  return candidates.filter((code) => free.delete(code));
}
