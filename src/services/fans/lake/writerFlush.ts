import type { ObjectStore } from '../../../datasources/objects/port';
import type { Collection } from '../../../datasources/store';
import type { FanRecordType } from '../records';
import { chunkRange, stampOf } from './writerChunks';
import { lakeFileOf } from './writerFiles';
import type { LakeChunkDoc, LakeFlushDoc, LakeFlushFile } from './writerModel';

export interface LakeFlushDeps {
  chunks: Collection<LakeChunkDoc>;
  flushes: Collection<LakeFlushDoc>;
  objects: ObjectStore;
  /** This writer, in `lakeFlushes.holder`. */
  holder: string;
  /** How long a hold lasts: another writer takes the record type over after that (a dead writer's). */
  holdMs: number;
  /** A flush writes this many records (or a little more: chunks are not split). */
  batchRecords: number;
  /** Called after each file is written. */
  written(recordType: FanRecordType, records: number): void;
}

export interface FlushOutcome {
  files: number;
  records: number;
  /** Records left in the buffer: fewer than a batch (or none) unless `all` was asked. */
  remaining: number;
  /** Another writer flushes this record type now. */
  heldElsewhere: boolean;
}

const CONTENT_TYPE = 'avro/binary';

/** The record type's flush document, held by this writer (null: another writer holds it). */
async function takeHold(deps: LakeFlushDeps, recordType: FanRecordType): Promise<LakeFlushDoc | null> {
  const now = Date.now();
  try {
    return await deps.flushes.findOneAndUpdate(
      { _id: recordType, $or: [{ holder: null }, { holder: deps.holder }, { heldUntil: { $lt: new Date(now) } }] },
      { $set: { holder: deps.holder, heldUntil: new Date(now + deps.holdMs) }, $setOnInsert: { pending: null } },
      { upsert: true, returnDocument: 'after' },
    );
  } catch (error) {
    // Held by another writer: the upsert found no free document and collided with the held one.
    if ((error as { code?: number }).code === 11000) return null;
    throw error;
  }
}

const held = (deps: LakeFlushDeps, recordType: FanRecordType) => ({ _id: recordType, holder: deps.holder });

/**
 * Writes a flush's files, then deletes their chunks, then clears the flush: a writer that stops
 * anywhere in between leaves `pending` set, and the next flush of the record type finishes it.
 */
async function writeFiles(
  deps: LakeFlushDeps,
  recordType: FanRecordType,
  files: LakeFlushFile[],
  chunks: Map<string, LakeChunkDoc>,
): Promise<number> {
  let records = 0;
  for (const file of files) {
    const written = await lakeFileOf(
      recordType,
      file.key,
      file.chunkIds.map((id) => chunks.get(id)!),
    );
    await deps.objects.put(file.key, written.body, CONTENT_TYPE);
    deps.written(recordType, written.records);
    records += written.records;
  }
  await deps.chunks.deleteMany({ _id: { $in: files.flatMap((file) => file.chunkIds) } });
  await deps.flushes.updateOne(held(deps, recordType), { $set: { pending: null } });
  return records;
}

/**
 * A flush left unfinished: while every chunk is still buffered, no delete has run and its files
 * are written again under the same keys (replacing any written before); once some are gone, every
 * file was written before the deletes began, and only the deletes are finished.
 */
async function finishPending(
  deps: LakeFlushDeps,
  recordType: FanRecordType,
  files: LakeFlushFile[],
): Promise<{ files: number; records: number }> {
  const ids = files.flatMap((file) => file.chunkIds);
  const found = await deps.chunks.find({ _id: { $in: ids } }).toArray();
  if (found.length === ids.length) {
    const records = await writeFiles(deps, recordType, files, new Map(found.map((chunk) => [chunk._id, chunk])));
    return { files: files.length, records };
  }
  await deps.chunks.deleteMany({ _id: { $in: ids } });
  await deps.flushes.updateOne(held(deps, recordType), { $set: { pending: null } });
  return { files: 0, records: 0 };
}

/**
 * Batches a flush writes at most in one cycle: a backlog (a burst of ingestion, or flushes that
 * waited for the store behind it) is caught up with one cycle's commits, not a cycle per batch.
 */
const BATCHES_PER_CYCLE = 16;

/**
 * The oldest buffered chunks cut into batches of at least `batchRecords` records (chunks are not
 * split), at most BATCHES_PER_CYCLE of them; with `all`, a last smaller batch too. `leftover`
 * counts the records read and not taken: the buffered rest when the read reached the end.
 */
async function nextBatches(
  deps: LakeFlushDeps,
  recordType: FanRecordType,
  all: boolean,
): Promise<{ batches: LakeChunkDoc[][]; leftover: number }> {
  const batches: LakeChunkDoc[][] = [];
  let current: LakeChunkDoc[] = [];
  let records = 0;
  const cursor = deps.chunks.find({ _id: chunkRange(recordType) }, { sort: { _id: 1 } });
  try {
    for await (const chunk of cursor) {
      current.push(chunk);
      records += chunk.count;
      if (records < deps.batchRecords) continue;
      batches.push(current);
      current = [];
      records = 0;
      if (batches.length === BATCHES_PER_CYCLE) break;
    }
  } finally {
    await cursor.close();
  }
  if (all && current.length > 0) return { batches: [...batches, current], leftover: 0 };
  return { batches, leftover: records };
}

/** One file per UTC day of the batch, named after its first chunk. */
function filesOf(recordType: FanRecordType, chunks: LakeChunkDoc[]): LakeFlushFile[] {
  const byDay = new Map<string, LakeFlushFile>();
  for (const chunk of chunks) {
    let file = byDay.get(chunk.day);
    if (!file) {
      file = { key: `avro/${recordType}/${chunk.day}/${stampOf(chunk._id)}.avro`, chunkIds: [] };
      byDay.set(chunk.day, file);
    }
    file.chunkIds.push(chunk._id);
  }
  return [...byDay.values()];
}

/**
 * Writes a record type's buffered records to lake files, a batch at a time, oldest first: every
 * full batch, and with `all` the last partial one too. A record is in exactly one lake file once
 * its chunk is deleted, and in the buffer until then: the files of a batch are recorded as
 * pending before any is written, so a flush that dies between the put and the delete is finished
 * by the next one, with the same keys.
 */
export async function flushRecordType(
  deps: LakeFlushDeps,
  recordType: FanRecordType,
  options: { all: boolean },
): Promise<FlushOutcome> {
  const outcome: FlushOutcome = { files: 0, records: 0, remaining: 0, heldElsewhere: false };
  for (;;) {
    // Taken again per cycle: it renews the hold while a long backlog is flushed.
    const hold = await takeHold(deps, recordType);
    if (!hold) return { ...outcome, heldElsewhere: true };
    if (hold.pending?.length) {
      const finished = await finishPending(deps, recordType, hold.pending);
      outcome.records += finished.records;
      outcome.files += finished.files;
      continue;
    }
    const { batches, leftover } = await nextBatches(deps, recordType, options.all);
    if (batches.length === 0) {
      await deps.flushes.updateOne(held(deps, recordType), { $set: { holder: null, heldUntil: null } });
      return { ...outcome, remaining: leftover };
    }
    const files = batches.flatMap((batch) => filesOf(recordType, batch));
    const recorded = await deps.flushes.updateOne(held(deps, recordType), { $set: { pending: files } });
    if (recorded.matchedCount === 0) return { ...outcome, heldElsewhere: true };
    const chunks = new Map(batches.flat().map((chunk) => [chunk._id, chunk]));
    outcome.records += await writeFiles(deps, recordType, files, chunks);
    outcome.files += files.length;
  }
}
