import { Type } from 'avsc';
import type { ObjectStore, StoredObject } from '../../../datasources/objects/port';
import type { Db } from '../../../datasources/store';
import { PermanentJobError } from '../../../jobs/jobType';
import type { FanRecordType } from '../records';
import { NotAvroError, objectBody, readWriterSchema, type WriterSchema } from './avroFiles';
import { LAKE_MERGES, type LakeMergeDoc, type LakeMergeInput } from './lakeModel';
import { archivedKeyOf, isAvroKey, isMergedKey, liveBase, mergedKey, stagingKey, under } from './lakePaths';
import type { LakePeriod } from './lakePrefix';
import { forEachLimit } from './mapLimit';
import { LAKE_FLUSHES, type LakeFlushDoc } from './writerModel';

/** Headers read at once while planning (one small read per file). */
const HEADER_READS = 8;

/** A live file the merge leaves where it is, and why. */
export interface SkippedLakeFile {
  key: string;
  reason: string;
}

export type MergePlan =
  | { merge: LakeMergeDoc; skipped: SkippedLakeFile[] }
  | { nothing: string; skipped: SkippedLakeFile[] }
  /** Another merge of the record type is open: finish it first. */
  | { busy: true };

interface PlanDeps {
  db: Db;
  objects: ObjectStore;
}

/**
 * Fixes a merge's inputs and stores its manifest (state STAGING, held by `lease`): every Avro
 * file under the live prefix, loose or merged, except files a lake flush is still writing.
 * A prefix that holds nothing, or only one merged file, needs no merge.
 */
export async function planMerge(
  deps: PlanDeps,
  recordType: FanRecordType,
  period: LakePeriod,
  manifest: { mergeId: string; jobId: string | null; lease: { runId: string; heartbeatAt: Date } },
): Promise<MergePlan> {
  const writing = await filesBeingWritten(deps.db, recordType);
  const skipped: SkippedLakeFile[] = [];
  const listed = (await deps.objects.list(under(liveBase(recordType), period.prefix))).filter((object) => {
    if (!isAvroKey(object.key)) return false;
    if (writing.has(object.key)) skipped.push({ key: object.key, reason: 'a lake flush is still writing it' });
    return !writing.has(object.key);
  });
  if (listed.length === 0) return { nothing: 'no lake files under the prefix', skipped };
  if (listed.length === 1 && isMergedKey(listed[0]!.key)) return { nothing: 'the prefix is already merged', skipped };
  const schemas = new Map<string, WriterSchema>();
  await forEachLimit(listed, HEADER_READS, async (object) => {
    try {
      schemas.set(object.key, await readWriterSchema(await objectBody(deps.objects, object.key), object.key));
    } catch (error) {
      if (!(error instanceof NotAvroError)) throw error;
      skipped.push({ key: object.key, reason: error.message });
    }
  });
  const readable = listed.filter((object) => schemas.has(object.key));
  if (readable.length === 0) return { nothing: 'no readable lake files under the prefix', skipped };
  const now = new Date();
  const merge: LakeMergeDoc = {
    _id: manifest.mergeId,
    recordType,
    prefix: period.prefix,
    state: 'STAGING',
    open: true,
    inputs: readable.map((object) => inputOf(recordType, object, schemas.get(object.key)!)),
    schema: mergeSchema(readable, schemas),
    stagingKey: stagingKey(recordType, period.prefix, manifest.mergeId),
    mergedKey: mergedKey(recordType, period.prefix, manifest.mergeId),
    records: null,
    jobId: manifest.jobId,
    supersededBy: null,
    ...manifest.lease,
    createdAt: now,
    stagedAt: null,
    doneAt: null,
    updatedAt: now,
  };
  try {
    await deps.db.collection<LakeMergeDoc>(LAKE_MERGES).insertOne(merge);
  } catch (error) {
    if ((error as { code?: number }).code === 11000) return { busy: true };
    throw error;
  }
  return { merge, skipped };
}

function inputOf(recordType: FanRecordType, object: StoredObject, schema: WriterSchema): LakeMergeInput {
  return {
    key: object.key,
    kind: isMergedKey(object.key) ? 'MERGED' : 'LOOSE',
    size: object.size,
    archivedKey: archivedKeyOf(recordType, object.key),
    schemaFingerprint: schema.fingerprint,
    records: null,
  };
}

/** Keys of the files a lake flush has started and not finished: its writer may write them again. */
async function filesBeingWritten(db: Db, recordType: FanRecordType): Promise<Set<string>> {
  const flush = await db.collection<LakeFlushDoc>(LAKE_FLUSHES).findOne({ _id: recordType });
  return new Set((flush?.pending ?? []).map((file) => file.key));
}

/**
 * The merged file's schema: the writer schema of the most recently written input that can read
 * every other input (Avro schema resolution), so records of an older version gain the newer
 * fields' defaults and none loses a field. Inputs no schema reads all together fail the merge.
 */
function mergeSchema(inputs: StoredObject[], schemas: Map<string, WriterSchema>): string {
  const newestFirst = [...inputs].sort(
    (a, b) => b.lastModified.getTime() - a.lastModified.getTime() || b.key.localeCompare(a.key),
  );
  const distinct = new Map<string, { json: string; type: Type }>();
  for (const { key } of newestFirst) {
    const { fingerprint, json } = schemas.get(key)!;
    if (!distinct.has(fingerprint)) distinct.set(fingerprint, { json, type: Type.forSchema(JSON.parse(json)) });
  }
  const candidates = [...distinct.values()];
  const reader = candidates.find((candidate) => candidates.every((writer) => resolves(candidate.type, writer.type)));
  if (!reader) {
    throw new PermanentJobError(
      `the lake files under the prefix carry ${candidates.length} writer schemas and none of them reads all the others`,
      'LAKE_SCHEMA_CONFLICT',
    );
  }
  return reader.json;
}

function resolves(reader: Type, writer: Type): boolean {
  try {
    reader.createResolver(writer);
    return true;
  } catch {
    return false;
  }
}
