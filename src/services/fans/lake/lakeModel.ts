import type { IndexDeclaration } from '../../../datasources/store/indexes';
import type { FanRecordType } from '../records';

/** The merge job (schedules, mergeLake, `lake merge`) and the move job its queue message starts. */
export const AVRO_MERGE = 'avro-merge';
export const AVRO_MERGE_MOVE = 'avro-merge-move';

/** Merge manifests: one per merge of a lake prefix, what makes a merge resumable after a crash. */
export const LAKE_MERGES = 'lakeMerges';
/** Record counts of lake files, by object key: written by merges and by the import. */
export const LAKE_FILE_COUNTS = 'lakeFileCounts';

/**
 * STAGING: the input list is fixed, the merged file is being written to staging.
 * STAGED: the merged file is in staging; the move step is due.
 * MOVING: originals are being archived; the merged file is published last.
 * DONE: the merged file is live and every input is archived.
 */
export type LakeMergeState = 'STAGING' | 'STAGED' | 'MOVING' | 'DONE';

export interface LakeMergeInput {
  /** The live key the input had when the merge was planned. */
  key: string;
  /** LOOSE: a lake writer's file, archived as an original; MERGED: an earlier merge's file, superseded. */
  kind: 'LOOSE' | 'MERGED';
  size: number;
  /** Where the move step puts it: under avro/archived/{type}/ (LOOSE) or .../superseded/ (MERGED). */
  archivedKey: string;
  /** Writer schema's canonical fingerprint (sha256, hex), read when the merge was planned. */
  schemaFingerprint: string;
  /** Records read from it while staging; null until then. */
  records: number | null;
}

export interface LakeMergeDoc {
  /** The mergeId: the merged file is `merged-<mergeId>.avro`. */
  _id: string;
  recordType: FanRecordType;
  /** `YYYY/MM/DD` or `YYYY/MM`. */
  prefix: string;
  state: LakeMergeState;
  /** True until DONE: at most one open merge per record type (a unique partial index). */
  open: boolean;
  inputs: LakeMergeInput[];
  /** The merged file's schema (JSON): the newest writer schema that reads every input. */
  schema: string;
  stagingKey: string;
  mergedKey: string;
  /** Records in the merged file; null until staged. */
  records: number | null;
  /** The job that planned it. */
  jobId: string | null;
  /** The later merge that took this merge's file in (a daily file into the monthly one). */
  supersededBy: string | null;
  /** Lease of the run working on it (RecordLease): a dead run's merge is taken over. */
  runId: string | null;
  heartbeatAt: Date | null;
  createdAt: Date;
  stagedAt: Date | null;
  doneAt: Date | null;
  updatedAt: Date;
}

/** How a file's count became known. */
export type LakeFileCountSource = 'MERGE' | 'IMPORT';

export interface LakeFileCountDoc {
  /** The object key. */
  _id: string;
  recordType: FanRecordType;
  records: number;
  source: LakeFileCountSource;
  /** The merge that wrote or archived it (MERGE). */
  mergeId: string | null;
  at: Date;
}

export const lakeIndexes: IndexDeclaration[] = [
  // One open merge per record type: a second merge waits for (or finishes) the first.
  {
    collection: LAKE_MERGES,
    key: { recordType: 1 },
    options: { unique: true, partialFilterExpression: { open: true }, name: 'one_open_merge_per_type' },
  },
  { collection: LAKE_MERGES, key: { recordType: 1, prefix: 1, createdAt: -1 } },
];
