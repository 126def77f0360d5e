import { randomUUID } from 'node:crypto';
import type { ObjectStore } from '../../../datasources/objects/port';
import type { Collection, Db } from '../../../datasources/store';
import type { Logger } from '../../../logger';
import type { FanIngestMetrics } from '../ingest/metrics';
import { FAN_RECORD_TYPES, type FanRecordType, type LakeWriter, type RecordOfType } from '../records';
import { ChunkIds, chunkRange, chunkRecords } from './writerChunks';
import { flushRecordType, type FlushOutcome, type LakeFlushDeps } from './writerFlush';
import { LAKE_BUFFER, LAKE_FLUSHES, type LakeChunkDoc, type LakeFlushDoc } from './writerModel';

export interface FanLakeWriterOptions {
  db: Db;
  objects: ObjectStore;
  logger: Logger;
  metrics: FanIngestMetrics;
  /** FAN_LAKE_FLUSH_RECORDS: a record type's buffer is written as a file at this many records... */
  flushRecords: number;
  /** FAN_LAKE_FLUSH_SECONDS: ...or once its oldest record waited this long. */
  flushSeconds: number;
  /** How long a writer's hold on a record type's flush lasts (a dead writer's is taken over after it). */
  holdMs?: number;
}

const DEFAULT_HOLD_MS = 2 * 60 * 1000;

/**
 * The lake side of the fan pipelines (seed 004 saveCampaignData's S3 side): `append` keeps
 * validated records durable in the store's lake buffer (one write per record type and day, which
 * joins the pipeline's own store write in one commit when issued in the same turn), and the
 * flusher writes each record type's buffer to Avro files `avro/{recordType}/YYYY/MM/DD/{name}.avro`
 * every `flushRecords` records or `flushSeconds`, and once more on stop.
 */
export class FanLakeWriter implements LakeWriter {
  private readonly ids = new ChunkIds();
  private readonly chunks: Collection<LakeChunkDoc>;
  private readonly flushDeps: LakeFlushDeps;
  private readonly buffered = new Map<FanRecordType, number>();
  /** The last flush of each record type queued or running in this writer. */
  private readonly tails = new Map<FanRecordType, Promise<void>>();
  /** A background flush queued and not started: whether it writes the last partial batch too. */
  private readonly waiting = new Map<FanRecordType, { all: boolean; done: Promise<void> }>();
  private timer: NodeJS.Timeout | null = null;
  private started = false;

  constructor(private readonly options: FanLakeWriterOptions) {
    this.chunks = options.db.collection<LakeChunkDoc>(LAKE_BUFFER);
    this.flushDeps = {
      chunks: this.chunks,
      flushes: options.db.collection<LakeFlushDoc>(LAKE_FLUSHES),
      objects: options.objects,
      holder: randomUUID(),
      holdMs: options.holdMs ?? DEFAULT_HOLD_MS,
      batchRecords: options.flushRecords,
      written: (recordType, records) => {
        options.metrics.lakeRecords.inc({ type: recordType }, records);
        options.metrics.lakeFiles.inc({ type: recordType });
      },
    };
  }

  async append<T extends FanRecordType>(recordType: T, records: RecordOfType<T>[]): Promise<void> {
    if (records.length === 0) return;
    await this.chunks.insertMany(chunkRecords(recordType, records, this.options.flushRecords, this.ids));
    const buffered = (this.buffered.get(recordType) ?? 0) + records.length;
    this.setBuffered(recordType, buffered);
    if (this.started && buffered >= this.options.flushRecords) void this.flushInBackground(recordType, false);
  }

  /**
   * Starts flushing full batches left from before (a restart) without waiting for them, then every
   * `flushSeconds / 4` (at least a quarter second) writes the buffer of each record type whose
   * oldest record waited `flushSeconds`.
   */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    for (const recordType of FAN_RECORD_TYPES) void this.flushInBackground(recordType, false);
    const tickMs = Math.max(250, (this.options.flushSeconds * 1000) / 4);
    this.timer = setInterval(() => void this.flushAged(), tickMs);
    this.timer.unref();
  }

  /** Stops the timer, waits for running flushes, and writes whatever is buffered. */
  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await Promise.all(FAN_RECORD_TYPES.map((recordType) => this.flushInBackground(recordType, true)));
  }

  /**
   * Writes a record type's buffer now, after any flush of it that runs (every full batch, and
   * with `all` the rest too); errors reach the caller. For tests, commands and benchmarks.
   */
  flush(recordType: FanRecordType, options = { all: true }): Promise<FlushOutcome> {
    return this.serially(recordType, async () => {
      const outcome = await flushRecordType(this.flushDeps, recordType, options);
      this.setBuffered(recordType, outcome.remaining);
      return outcome;
    });
  }

  private async flushAged(): Promise<void> {
    const due = new Date(Date.now() - this.options.flushSeconds * 1000);
    for (const recordType of FAN_RECORD_TYPES) {
      if (this.tails.has(recordType)) continue;
      try {
        const oldest = await this.chunks.findOne({ _id: chunkRange(recordType) }, { sort: { _id: 1 } });
        if (oldest && oldest.createdAt <= due) void this.flushInBackground(recordType, true);
      } catch (error) {
        this.options.logger.error({ err: error, recordType }, 'the lake buffer could not be read');
      }
    }
  }

  /** A flush queued behind the running one, joined by later requests until it starts. Errors are logged. */
  private flushInBackground(recordType: FanRecordType, all: boolean): Promise<void> {
    const waiting = this.waiting.get(recordType);
    if (waiting) {
      waiting.all ||= all;
      return waiting.done;
    }
    const request = { all, done: Promise.resolve() };
    request.done = this.serially(recordType, async () => {
      this.waiting.delete(recordType);
      try {
        const outcome = await flushRecordType(this.flushDeps, recordType, { all: request.all });
        this.setBuffered(recordType, outcome.remaining);
      } catch (error) {
        this.options.logger.error({ err: error, recordType }, 'lake flush failed; its records stay buffered');
      }
    });
    this.waiting.set(recordType, request);
    return request.done;
  }

  /**
   * Runs flushes of one record type one after another in this writer: they share its hold in the
   * store, which keeps other writers out but not this one's own second flush.
   */
  private serially<R>(recordType: FanRecordType, work: () => Promise<R>): Promise<R> {
    const previous = this.tails.get(recordType) ?? Promise.resolve();
    const result = previous.then(work);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(recordType, tail);
    void tail.then(() => {
      if (this.tails.get(recordType) === tail) this.tails.delete(recordType);
    });
    return result;
  }

  private setBuffered(recordType: FanRecordType, records: number): void {
    this.buffered.set(recordType, records);
    this.options.metrics.lakeBuffered.set({ type: recordType }, records);
  }
}
