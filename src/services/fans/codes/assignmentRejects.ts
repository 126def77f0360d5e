import type { ErrorCode } from '../../../errors';

/**
 * Why a code assignment was refused: the code opens the record's reason (`CODE_NOT_FOUND: ...`),
 * is the `reason` label of fan_code_assignments_total and is listed in docs/pipelines/fans/codes.md.
 */
export type AssignmentRejectCode =
  | 'INVALID_RECORD'
  | 'CAMPAIGN_NOT_FOUND'
  | 'FAN_NOT_REGISTERED'
  | 'EMAIL_AMBIGUOUS'
  | 'INVALID_CODE'
  | 'INVALID_SELECTED_EVENTS'
  | 'CODE_REQUIRED'
  | 'CODE_NOT_FOUND'
  | 'CODE_OF_OTHER_CAMPAIGN'
  | 'CODE_KIND_MISMATCH'
  | 'CODE_ALREADY_ASSIGNED'
  | 'CODE_RESERVED'
  | 'NO_CODES_AVAILABLE'
  | 'NOTHING_TO_REFRESH';

export interface AssignmentReject {
  code: AssignmentRejectCode;
  message: string;
}

export const reject = (code: AssignmentRejectCode, message: string): AssignmentReject => ({ code, message });

/** The reason a RecordOutcome carries: the code, then what a person reads. */
export const reasonText = (rejected: AssignmentReject) => `${rejected.code}: ${rejected.message}`;

const NOT_FOUND = new Set<AssignmentRejectCode>(['CAMPAIGN_NOT_FOUND', 'FAN_NOT_REGISTERED', 'CODE_NOT_FOUND']);
const CONFLICT = new Set<AssignmentRejectCode>([
  'CODE_ALREADY_ASSIGNED',
  'CODE_RESERVED',
  'NO_CODES_AVAILABLE',
  'NOTHING_TO_REFRESH',
]);

/** The API's error code for a rejection (what POST /ingest/fans lists beside the reason). */
export function errorCodeOf(rejected: AssignmentReject): ErrorCode {
  if (NOT_FOUND.has(rejected.code)) return 'NOT_FOUND';
  return CONFLICT.has(rejected.code) ? 'CONFLICT' : 'BAD_USER_INPUT';
}
