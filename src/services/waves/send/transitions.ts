import type { Db, Filter } from '../../../datasources/store';
import { WAVE_MESSAGES, type WaveMessageDoc, type WaveMessageStatus } from '../model';
import { countsDelta, scaleDelta, tallyAfter, type CountedState, type MessageTally } from './counts';
import type { CountsWriter } from './countsWriter';

/** The fields a change of a message may set besides its status. */
export type MessageChange = Partial<Omit<WaveMessageDoc, '_id' | 'waveId' | 'row'>> & { status: WaveMessageStatus };

const counted = (doc: Pick<WaveMessageDoc, 'status' | 'sentAt' | 'reason' | 'segments'>): CountedState => ({
  status: doc.status,
  sentAt: doc.sentAt ?? null,
  reason: doc.reason ?? null,
  segments: doc.segments,
});

/**
 * Every change of a message's status goes through here: a conditional update from the status it
 * was read in (and, for a claim, the claim it is held by), then the wave's counts moved by what
 * really changed. A change that lost a race (a receipt came first, a reconciliation took the
 * message) matches nothing and counts nothing. The message keeps what it added to the lasting
 * counts (`tally`), written with its status, so a wave can be recounted from its messages.
 */
export class MessageTransitions {
  private readonly gathered: GatheredMove[] = [];
  private bulkTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly db: Db,
    private readonly counts: CountsWriter,
  ) {}

  private get messages() {
    return this.db.collection<WaveMessageDoc>(WAVE_MESSAGES);
  }

  /** Moves `message`, still as read, to `change`; false when it changed meanwhile. */
  async move(message: WaveMessageDoc, change: MessageChange, guard: Filter<WaveMessageDoc> = {}): Promise<boolean> {
    const delta = countsDelta(counted(message), counted({ ...message, ...definedFields(change) } as WaveMessageDoc));
    const tally = tallyAfter(message.tally, delta);
    const result = await this.messages.updateOne(
      { ...guard, _id: message._id, status: message.status } as Filter<WaveMessageDoc>,
      updateOf(change, tally),
    );
    if (result.modifiedCount !== 1) return false;
    this.counts.add(message.waveId, delta);
    return true;
  }

  /**
   * `move`, gathered with the other moves of the next few milliseconds into one bulk write (a
   * text sent costs a fraction of a write then). `applied` tells, reading the message afterwards,
   * whether this change is the one that took (only needed when the bulk did not take them all:
   * a receipt or a reconciliation got to some first).
   */
  moveSoon(
    message: WaveMessageDoc,
    change: MessageChange,
    guard: Filter<WaveMessageDoc>,
    applied: (after: WaveMessageDoc) => boolean,
  ): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => {
      this.gathered.push({ message, change, guard, applied, resolve, reject });
      if (this.gathered.length >= BULK_MAX) void this.flushGathered();
      else this.bulkTimer ??= setTimeout(() => void this.flushGathered(), BULK_WAIT_MS);
    });
  }

  private async flushGathered(): Promise<void> {
    if (this.bulkTimer) clearTimeout(this.bulkTimer);
    this.bulkTimer = null;
    const moves = this.gathered.splice(0);
    if (moves.length === 0) return;
    try {
      const planned = moves.map((move) => {
        const delta = countsDelta(counted(move.message), counted({ ...move.message, ...definedFields(move.change) }));
        return { ...move, delta, tally: tallyAfter(move.message.tally, delta) };
      });
      const result = await this.messages.bulkWrite(
        planned.map(({ message, change, guard, tally }) => ({
          updateOne: {
            filter: { ...guard, _id: message._id, status: message.status } as Filter<WaveMessageDoc>,
            update: updateOf(change, tally),
          },
        })),
        { ordered: false },
      );
      let taken = planned.map(() => true);
      if (result.modifiedCount < planned.length) {
        const ids = planned.map((move) => move.message._id);
        const after = new Map(
          (await this.messages.find({ _id: { $in: ids } } as Filter<WaveMessageDoc>).toArray()).map((doc) => [
            doc._id,
            doc,
          ]),
        );
        taken = planned.map((move) => {
          const doc = after.get(move.message._id);
          return doc !== undefined && move.applied(doc);
        });
      }
      planned.forEach((move, index) => {
        if (taken[index]) this.counts.add(move.message.waveId, move.delta);
        move.resolve(taken[index]!);
      });
    } catch (error) {
      for (const move of moves) move.reject(error);
    }
  }

  /**
   * Moves every message of the wave matching `filter` from `from` (none of them sent, none ended:
   * PENDING, SENDING or UNCERTAIN) to `change`, counting each change made. A change that marks
   * them sent counts `segments` each: the filter must hold them to that many.
   */
  async moveMany(
    waveId: string,
    from: 'PENDING' | 'SENDING' | 'UNCERTAIN',
    filter: Filter<WaveMessageDoc>,
    change: MessageChange,
    segments = 0,
  ): Promise<number> {
    const before: CountedState = { status: from, sentAt: null, reason: null, segments };
    const after: CountedState = {
      status: change.status,
      sentAt: change.sentAt ?? null,
      reason: change.reason ?? null,
      segments,
    };
    const delta = countsDelta(before, after);
    // Messages neither sent nor ended have added to no lasting count yet: their tally starts here.
    const tally = tallyAfter(undefined, delta);
    const result = await this.messages.updateMany(
      { ...filter, waveId, status: from } as Filter<WaveMessageDoc>,
      updateOf(change, tally),
    );
    if (result.modifiedCount > 0) this.counts.add(waveId, scaleDelta(delta, result.modifiedCount));
    return result.modifiedCount;
  }
}

/** Moves gathered for one bulk write: at most this many, or what came within this long. */
const BULK_MAX = 64;
const BULK_WAIT_MS = 10;

interface GatheredMove {
  message: WaveMessageDoc;
  change: MessageChange;
  guard: Filter<WaveMessageDoc>;
  applied(after: WaveMessageDoc): boolean;
  resolve(taken: boolean): void;
  reject(error: unknown): void;
}

/** The change without its undefined fields (a $set of undefined would store null). */
function definedFields(change: MessageChange): Partial<WaveMessageDoc> {
  return Object.fromEntries(Object.entries(change).filter(([, value]) => value !== undefined));
}

/**
 * The update of a change: its fields set, with the tally; a retryAt of null is removed instead,
 * so that the sparse retryAt index holds only messages waiting for a retry.
 */
function updateOf(change: MessageChange, tally: MessageTally | null) {
  const { retryAt, ...fields } = definedFields(change);
  const set = { ...fields, ...(retryAt ? { retryAt } : {}), ...(tally ? { tally } : {}), updatedAt: new Date() };
  return retryAt === null ? { $set: set, $unset: { retryAt: '' as const } } : { $set: set };
}
