import type { LocalCodeCounts } from '../../../datasources/offerCodes';
import type { RememberedFigures } from '../../../datasources/rememberedFigures';
import type { AnyBulkWriteOperation, Collection, Db } from '../../../datasources/store';
import { CODE_POOLS, CODE_POOL_COUNTS, CODES, type CodeDoc, type CodePoolDoc, type CodeState } from '../model';
import { EntryLocks } from './entryLocks';

/** A pool's codes counted by state. */
export interface PoolCounts {
  available: number;
  reserved: number;
  assigned: number;
}

/** A pool's codes counted by state, kept beside the codes. */
export interface CodePoolCountsDoc extends PoolCounts {
  /** The pool's id. */
  _id: string;
  campaignId: string;
  /** When they were last recounted from the codes; absent: kept by writes alone since the first. */
  countedAt?: Date;
}

/** What the counts know of a code: its pool and its state. */
export type CountedCode = Pick<CodeDoc, 'poolId' | 'campaignId' | 'state'>;

const FIELD: Record<CodeState, keyof PoolCounts> = {
  AVAILABLE: 'available',
  RESERVED: 'reserved',
  ASSIGNED: 'assigned',
};
const STATES = Object.keys(FIELD) as CodeState[];

/** The change a write makes to the counts: codes entering and leaving their pools' states. */
export class CodeCountChanges {
  private readonly byPool = new Map<string, { campaignId: string; by: PoolCounts }>();

  /** The code is now counted in its pool's state (`by` 1), or no longer is (-1). */
  add(code: CountedCode, by: 1 | -1): void {
    let pool = this.byPool.get(code.poolId);
    if (!pool) {
      pool = { campaignId: code.campaignId, by: { available: 0, reserved: 0, assigned: 0 } };
      this.byPool.set(code.poolId, pool);
    }
    pool.by[FIELD[code.state]] += by;
  }

  /** The code moves from state `from` to state `to` of its pool. */
  move(code: Pick<CodeDoc, 'poolId' | 'campaignId'>, from: CodeState, to: CodeState): void {
    if (from === to) return;
    this.add({ ...code, state: from }, -1);
    this.add({ ...code, state: to }, 1);
  }

  operations(): AnyBulkWriteOperation<CodePoolCountsDoc>[] {
    const operations: AnyBulkWriteOperation<CodePoolCountsDoc>[] = [];
    for (const [poolId, { campaignId, by }] of this.byPool) {
      const inc = Object.fromEntries(Object.entries(by).filter(([, count]) => count !== 0));
      if (Object.keys(inc).length === 0) continue;
      operations.push({
        updateOne: { filter: { _id: poolId }, update: { $inc: inc, $setOnInsert: { campaignId } }, upsert: true },
      });
    }
    return operations;
  }
}

/**
 * Codes per pool and state kept with the codes, so the codePools query reads one document per
 * pool instead of counting its codes. Every writer of a code's pool or state (uploads, imports,
 * assignments, wave reservations and releases, the offer-code registry's local record) reads the
 * codes it writes while it is their only writer in this process (`exclusive`), writes only what
 * that read says will change, with the state read as a condition, and issues the counts' change
 * in the same turn: one commit on the embedded store, so a crash keeps both or neither, and a
 * redelivered write, which finds the codes already changed, changes nothing. A write another
 * process made between the read and the write is found by the results and given back. `rebuild`
 * recounts every pool from the codes' (poolId, state) index (`stats rebuild`); at start-up
 * `recountMissing` recounts each pool with codes whose counts were never recounted.
 */
export class CodePoolCounts implements LocalCodeCounts {
  private readonly writers = new EntryLocks();
  /** Writes running (they hold or wait for their codes); a recount waits for none. */
  private active = 0;
  private readonly idle: (() => void)[] = [];
  private recounting: Promise<void> | null = null;

  constructor(
    private readonly db: Db,
    /** On the embedded store: the counts of a page of pools are read once per change to the counts. */
    private readonly remembered?: RememberedFigures,
  ) {}

  private get counts(): Collection<CodePoolCountsDoc> {
    return this.db.collection<CodePoolCountsDoc>(CODE_POOL_COUNTS);
  }

  /** Runs `task` as the only writer of these codes in this process (never nested). */
  async exclusive<T>(codes: Iterable<string>, task: () => Promise<T>): Promise<T> {
    while (this.recounting) await this.recounting;
    this.active += 1;
    try {
      return await this.writers.run(codes, task);
    } finally {
      this.active -= 1;
      if (this.active === 0) for (const wake of this.idle.splice(0)) wake();
    }
  }

  /** Issues the counts' update for `changes` (in the caller's turn: the codes' commit). */
  write(changes: CodeCountChanges): Promise<unknown>[] {
    const operations = changes.operations();
    if (operations.length === 0) return [];
    return [this.counts.bulkWrite(operations, { ordered: false })];
  }

  /** The writes that count these codes in (`by` 1) or out (-1), issued in the turn of the codes' write. */
  counted(codes: readonly CountedCode[], by: 1 | -1): Promise<unknown>[] {
    const changes = new CodeCountChanges();
    for (const code of codes) changes.add(code, by);
    return this.write(changes);
  }

  /** The counts of these pools (0 for a pool with no code counted). */
  async read(poolIds: readonly string[]): Promise<Map<string, PoolCounts>> {
    const find = () => this.counts.find({ _id: { $in: [...poolIds] } }).toArray();
    const { remembered } = this;
    const docs =
      poolIds.length === 0
        ? []
        : await (remembered ? remembered.get(`codePoolCounts|${poolIds.join('|')}`, [CODE_POOL_COUNTS], find) : find());
    const byPool = new Map(docs.map((doc) => [doc._id, doc]));
    return new Map(
      poolIds.map((poolId) => {
        const doc = byPool.get(poolId);
        return [poolId, { available: doc?.available ?? 0, reserved: doc?.reserved ?? 0, assigned: doc?.assigned ?? 0 }];
      }),
    );
  }

  /** Recomputes the counts of every pool from its codes; answers how many pools. */
  async rebuild(): Promise<number> {
    const pools = await this.pools();
    await this.alone(async () => {
      for (const pool of pools) await this.recount(pool);
    });
    return pools.length;
  }

  /**
   * Recounts the pools that have codes and counts never recounted from them: a data set written
   * before the counts were kept, or a pool whose counts began with writes. Answers how many.
   */
  async recountMissing(): Promise<number> {
    const pools = await this.pools();
    const counted = await this.counts.find({ countedAt: { $exists: true } }, { projection: { _id: 1 } }).toArray();
    const done = new Set(counted.map((doc) => doc._id));
    const codes = this.db.collection<CodeDoc>(CODES);
    let recounted = 0;
    await this.alone(async () => {
      for (const pool of pools) {
        if (done.has(pool._id)) continue;
        if (!(await codes.findOne({ poolId: pool._id }, { projection: { _id: 1 } }))) continue;
        await this.recount(pool);
        recounted += 1;
      }
    });
    return recounted;
  }

  /** Runs `task` once no code write runs, holding new ones back until it ends. */
  private async alone(task: () => Promise<void>): Promise<void> {
    while (this.recounting) await this.recounting;
    let finished!: () => void;
    this.recounting = new Promise((resolve) => (finished = resolve));
    try {
      while (this.active > 0) await new Promise<void>((resolve) => this.idle.push(resolve));
      await task();
    } finally {
      this.recounting = null;
      finished();
    }
  }

  private pools(): Promise<Pick<CodePoolDoc, '_id' | 'campaignId'>[]> {
    return this.db
      .collection<CodePoolDoc>(CODE_POOLS)
      .find({}, { projection: { _id: 1, campaignId: 1 } })
      .toArray();
  }

  /** The pool's counts from its codes, one count on the (poolId, state) index per state. */
  private async recount(pool: Pick<CodePoolDoc, '_id' | 'campaignId'>): Promise<void> {
    const codes = this.db.collection<CodeDoc>(CODES);
    const counts: PoolCounts = { available: 0, reserved: 0, assigned: 0 };
    for (const state of STATES) counts[FIELD[state]] = await codes.countDocuments({ poolId: pool._id, state });
    await this.counts.replaceOne(
      { _id: pool._id },
      { campaignId: pool.campaignId, ...counts, countedAt: new Date() },
      { upsert: true },
    );
  }
}
