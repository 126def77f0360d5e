import { EventEmitter } from 'node:events';
import { Timestamp } from 'bson';
import { Aggregator } from 'mingo';
import { deserialize, type Document } from './bson';
import type { Engine } from './engine';
import { changeStreamClosed, fromMingoError, notSupported, serverError } from './errors';
import { storedIdKey } from './longKeys';
import { mingoOptions } from './mingoOptions';
import { firstOplogSeq, readOplog, type StoredOplogEntry } from './oplog';
import { isPlainObject } from './values';
import { readDocument } from './writes';
import type { ChangeStream, ChangeStreamDocument, ChangeStreamOptions } from '../port';

/** Most events read before they go through the pipeline and out (bounds memory on a long backlog). */
const MAX_PENDING = 1000;

/** `whenAvailable` and `required` read post-images, which the engine does not keep. */
const FULL_DOCUMENT_MODES = new Set<string>(['default', 'updateLookup']);

const EVENT_STAGES = new Set([
  '$match',
  '$project',
  '$addFields',
  '$set',
  '$unset',
  '$replaceRoot',
  '$replaceWith',
  '$redact',
]);

export function resumeTokenOf(seq: number): { _data: string } {
  return { _data: seq.toString(16).padStart(16, '0') };
}

function seqOfToken(token: unknown): number | undefined {
  if (!token) return undefined;
  const data = typeof token === 'object' && '_data' in token ? token._data : undefined;
  const seq = Number.parseInt(String(data), 16);
  if (!Number.isSafeInteger(seq) || seq < 0) throw serverError(260, 'InvalidResumeToken', 'invalid resume token');
  return seq;
}

/** The sequence an event's resume token names; `fallback` when the pipeline reshaped its `_id`. */
function seqOfEvent(change: Document, fallback: number): number {
  const data = (change._id as { _data?: unknown } | undefined)?._data;
  const seq = typeof data === 'string' ? Number.parseInt(data, 16) : Number.NaN;
  return Number.isSafeInteger(seq) ? seq : fallback;
}

/**
 * `{ $match: { operationType: 'insert' } }` or `{ operationType: { $in: [...] } }` (beside other
 * conditions) as the first stage: the operations it can let through. A drop is always read, as
 * it invalidates a collection's stream whatever the pipeline.
 */
function matchedOperations(stage: Document | undefined): Set<string> | undefined {
  const match = isPlainObject(stage) && isPlainObject(stage.$match) ? stage.$match : undefined;
  const condition = match?.operationType;
  if (typeof condition === 'string') return new Set([condition]);
  if (!isPlainObject(condition) || Object.keys(condition).length !== 1) return undefined;
  if (typeof condition.$eq === 'string') return new Set([condition.$eq]);
  const list = condition.$in;
  return Array.isArray(list) && list.every((op) => typeof op === 'string') ? new Set(list as string[]) : undefined;
}

/**
 * A change stream on the embedded engine, fed by the oplog kept in LMDB. It is woken at once by
 * commits of this process and, through the engine's poller, by commits of other processes on
 * the same data directory. Like the driver's ChangeStream it is both an EventEmitter ('change',
 * 'error', 'close') and an async iterator (next/tryNext/hasNext, for await), and it resumes
 * from a token (resumeAfter/startAfter) as long as the oplog still holds that point.
 */
export class EmbeddedChangeStream<
  TSchema extends Document = Document,
  TChange extends Document = ChangeStreamDocument<TSchema>,
>
  extends EventEmitter
  implements ChangeStream<TSchema, TChange>
{
  /** Last oplog entry read (delivered, queued or filtered out). */
  private lastSeq: number;
  /** Last event handed to the consumer by next()/tryNext(), while others are still queued. */
  private returnedSeq: number;
  private readonly queue: Array<{ seq: number; change: TChange }> = [];
  private waiters: Array<() => void> = [];
  private isClosed = false;
  private readonly aggregator: Aggregator | undefined;
  /** The operations the pipeline's first `$match` admits, when it names them: others are skipped undecoded. */
  private readonly operations: Set<string> | undefined;
  private readonly onCommit = () => this.drain();
  private readonly onEngineClose = () => void this.close();

  constructor(
    private readonly engine: Engine,
    private readonly collectionName: string | undefined,
    pipeline: Document[],
    private readonly options: ChangeStreamOptions,
  ) {
    super();
    if (options.fullDocument !== undefined && !FULL_DOCUMENT_MODES.has(options.fullDocument)) {
      const mode = String(options.fullDocument);
      throw notSupported(`fullDocument '${mode}' in a change stream`, 'no post-images are kept');
    }
    for (const stage of pipeline) {
      const [name] = isPlainObject(stage) ? Object.keys(stage) : [];
      if (!name || !EVENT_STAGES.has(name))
        throw serverError(
          40324,
          'UnrecognizedPipelineStage',
          `${String(name)} is not permitted in a change stream pipeline`,
        );
    }
    try {
      this.aggregator = pipeline.length > 0 ? new Aggregator(pipeline, mingoOptions()) : undefined;
    } catch (error) {
      throw fromMingoError(error);
    }
    this.operations = matchedOperations(pipeline[0]);
    const resumeSeq = seqOfToken(options.startAfter ?? options.resumeAfter);
    this.lastSeq = resumeSeq ?? engine.lastOplogSeq();
    this.returnedSeq = this.lastSeq;
    if (resumeSeq !== undefined) this.checkHistory(resumeSeq);
    engine.commits.on('commit', this.onCommit);
    engine.commits.on('close', this.onEngineClose);
    engine.startWatching();
    // Events already in the oplog after a resume point are delivered on the next turn.
    if (resumeSeq !== undefined) setImmediate(this.onCommit);
  }

  private checkHistory(resumeSeq: number): void {
    const first = firstOplogSeq(this.engine);
    if (resumeSeq < this.engine.lastOplogSeq() && (first === undefined || first > resumeSeq + 1)) {
      throw serverError(
        286,
        'ChangeStreamHistoryLost',
        'Resume of change stream was not possible, as the resume point may no longer be in the oplog.',
      );
    }
  }

  get closed(): boolean {
    return this.isClosed;
  }

  /** Token of the last event returned (or read, when none waits): pass it as resumeAfter to continue after it. */
  get resumeToken(): { _data: string } {
    return resumeTokenOf(this.queue.length > 0 ? this.returnedSeq : this.lastSeq);
  }

  private shift(): TChange | null {
    const next = this.queue.shift();
    if (!next) return null;
    this.returnedSeq = next.seq;
    return next.change;
  }

  private drain(): void {
    if (this.isClosed) return;
    try {
      let pending: Array<{ seq: number; event: Document }> = [];
      for (const record of readOplog(this.engine, this.lastSeq)) {
        this.lastSeq = record.seq;
        if (this.collectionName !== undefined && record.coll !== this.collectionName) continue;
        if (this.operations && !this.operations.has(record.op) && record.op !== 'drop') continue;
        const entry = record.decode();
        const event = this.toEvent(entry);
        pending.push({ seq: entry.seq, event });
        if (entry.op === 'drop' && this.collectionName !== undefined) {
          this.deliverAll(pending);
          const invalidate: Document = {
            _id: resumeTokenOf(entry.seq),
            operationType: 'invalidate',
            clusterTime: event.clusterTime,
          };
          this.deliver(entry.seq, invalidate as TChange);
          void this.close();
          return;
        }
        if (pending.length >= MAX_PENDING) pending = this.deliverAll(pending);
      }
      this.deliverAll(pending);
    } catch (error) {
      this.emit('error', fromMingoError(error));
    }
  }

  /**
   * Runs the events read in one pass through the pipeline together and delivers the output:
   * every allowed stage works document by document, and mingo's cost is mostly per run (it
   * compiled the `$match` of each run again, about 25 µs per event when run one by one).
   */
  private deliverAll(pending: Array<{ seq: number; event: Document }>): Array<{ seq: number; event: Document }> {
    if (pending.length === 0) return pending;
    if (!this.aggregator) {
      for (const { seq, event } of pending) this.deliver(seq, event as TChange);
      return [];
    }
    const lastSeq = pending[pending.length - 1]!.seq;
    for (const change of this.aggregator.run(pending.map(({ event }) => event))) {
      this.deliver(seqOfEvent(change, lastSeq), change as TChange);
    }
    return [];
  }

  private toEvent(entry: StoredOplogEntry): Document {
    const event: Document = {
      _id: resumeTokenOf(entry.seq),
      operationType: entry.op,
      clusterTime: new Timestamp({ t: Math.floor(entry.wallTime.getTime() / 1000), i: entry.seq % 0x100000000 }),
      wallTime: entry.wallTime,
      ns: { db: this.engine.options.dbName, coll: entry.coll },
    };
    if (entry.op === 'drop') return event;
    event.documentKey = { _id: entry.id };
    if (entry.fullDocument) event.fullDocument = entry.fullDocument;
    if (entry.op === 'update') {
      event.updateDescription = entry.upd;
      if (this.options.fullDocument && this.options.fullDocument !== 'default') event.fullDocument = this.lookup(entry);
    }
    return event;
  }

  /** fullDocument 'updateLookup': the document as it is now (null if deleted since). */
  private lookup(entry: StoredOplogEntry): Document | null {
    const collection = this.engine.collectionEntry(entry.coll);
    const bytes = collection ? readDocument(this.engine, collection, storedIdKey(entry.id)) : undefined;
    return bytes ? deserialize(bytes) : null;
  }

  private deliver(seq: number, change: TChange): void {
    if (this.listenerCount('change') > 0) {
      this.emit('change', change);
      return;
    }
    this.queue.push({ seq, change });
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  /** Waits for the next change; null once the stream is closed. */
  private async waitForChange(): Promise<TChange | null> {
    while (this.queue.length === 0 && !this.isClosed) {
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    return this.shift();
  }

  /** Waits for the next change; rejects once the stream is closed, as the driver does. */
  async next(): Promise<TChange> {
    const change = await this.waitForChange();
    if (change === null) throw changeStreamClosed();
    return change;
  }

  async tryNext(): Promise<TChange | null> {
    this.drain();
    return this.shift();
  }

  async hasNext(): Promise<boolean> {
    while (this.queue.length === 0 && !this.isClosed) {
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    return this.queue.length > 0;
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<TChange, void, void> {
    try {
      while (true) {
        const change = await this.waitForChange();
        if (change === null) return;
        yield change;
      }
    } finally {
      await this.close();
    }
  }

  async close(): Promise<void> {
    if (this.isClosed) return;
    this.isClosed = true;
    this.engine.commits.off('commit', this.onCommit);
    this.engine.commits.off('close', this.onEngineClose);
    this.engine.stopWatching();
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
    this.emit('close');
  }
}
