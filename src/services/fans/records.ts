import type { ErrorCode } from '../../errors';
import type { CodeKind } from './model';

/**
 * The records of the fan pipelines, as the ingestion validates them against their Avro schemas
 * (src/schema/avro/*.avsc, the data contract) and the lake stores them. Dates travel as
 * milliseconds since the epoch (Avro timestamp-millis).
 */
export type FanRecordType = 'registration' | 'codeAssignment' | 'scoring';

export const FAN_RECORD_TYPES: readonly FanRecordType[] = ['registration', 'codeAssignment', 'scoring'];

export interface RegistrationRecord {
  type: 'registration';
  campaignId: string;
  userId: string;
  email: string;
  phone: string | null;
  firstName: string | null;
  marketPreferences: string[];
  smsConsentSource: string | null;
  smsConsentAt: number | null;
  registeredAt: number;
}

export interface ScoringRecord {
  type: 'scoring';
  campaignId: string;
  userId: string;
  email: string | null;
  score: number;
  verdict: boolean | null;
  reason: string | null;
  /** SCORED_FILE or FANLIST. */
  source: string;
  scoredAt: number;
}

export interface CodeAssignmentRecord {
  type: 'codeAssignment';
  campaignId: string;
  /** The fan, by userId or (when userId is null) by e-mail. */
  userId: string | null;
  email: string | null;
  /** null on a selection refresh: the entry's existing code is re-published. */
  code: string | null;
  codeKind: CodeKind | null;
  selectedEvents: string[];
  /** A selection refresh re-publishes an existing assignment without a new code. */
  refresh: boolean;
  /** The wave that triggered it (waves domain); null for uploads and API calls. */
  waveId: string | null;
  /** One per (source, fan): a retried delivery assigns nothing twice. */
  idempotencyKey: string | null;
  assignedAt: number;
}

export type FanRecord = RegistrationRecord | ScoringRecord | CodeAssignmentRecord;

export type RecordOfType<T extends FanRecordType> = Extract<FanRecord, { type: T }>;

/**
 * Where validated records go to be kept in the lake (objects port, Avro files by type and day).
 * `append` returns once the records are durable in the store's lake buffer: a crash after it
 * loses nothing, and each record is written to exactly one lake file.
 */
export interface LakeWriter {
  append<T extends FanRecordType>(recordType: T, records: RecordOfType<T>[]): Promise<void>;
}

/** What became of one record handed to a pipeline: kept, or rejected with the reason. */
export interface RecordOutcome {
  accepted: boolean;
  reason?: string;
  /** The error code a single-record API call (registerFan) answers a rejection with. */
  code?: ErrorCode;
}

/**
 * The pipeline each record type goes to once validated: registrations to the entries, scoring to
 * the entries' scores and verdicts, code assignments to the assignment pipeline. Each returns one
 * outcome per record, in order; the records it accepts are durable when it returns (store and
 * lake buffer).
 */
export type FanRecordHandlers = {
  [T in FanRecordType]: (records: RecordOfType<T>[]) => Promise<RecordOutcome[]>;
};
