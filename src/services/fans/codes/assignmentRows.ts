import type { CellValue } from '../../uploads/cellValue';
import type { CodeKind } from '../model';
import type { CodeAssignmentRecord } from '../records';

/** One assignment as assignCodes takes it, inline or as a file row. */
export interface AssignmentInput {
  userId?: string | null;
  email?: string | null;
  code?: string | null;
  codeKind?: CodeKind | null;
  selectedEvents?: string[] | null;
  refresh?: boolean | null;
  waveId?: string | null;
  idempotencyKey?: string | null;
}

/** Columns of an assignment file (header names are case-insensitive); docs/pipelines/fans/codes.md. */
export const ASSIGNMENT_COLUMNS = [
  'userid',
  'email',
  'code',
  'codekind',
  'selectedevents',
  'refresh',
  'idempotencykey',
];

const KINDS = new Set<string>(['NON_TM', 'TM', 'OFFER']);
const YES = new Set(['true', 'yes', 'y', '1']);
const NO = new Set(['false', 'no', 'n', '0', '']);

const cellText = (value: CellValue | undefined): string => {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString();
  return String(value).trim();
};

/** A file row as an assignment, or what is wrong with it. */
export function rowAssignment(record: Record<string, CellValue>): AssignmentInput | { error: string } {
  const codeKind = cellText(record.codekind).toUpperCase();
  if (codeKind && !KINDS.has(codeKind)) return { error: `codeKind ${JSON.stringify(codeKind)}: NON_TM, TM or OFFER` };
  const refresh = cellText(record.refresh).toLowerCase();
  if (!YES.has(refresh) && !NO.has(refresh)) return { error: `refresh ${JSON.stringify(refresh)}: true or false` };
  return {
    userId: cellText(record.userid) || null,
    email: cellText(record.email) || null,
    code: cellText(record.code) || null,
    codeKind: (codeKind || null) as CodeKind | null,
    selectedEvents: cellText(record.selectedevents).split('|'),
    refresh: YES.has(refresh),
    idempotencyKey: cellText(record.idempotencykey) || null,
  };
}

/**
 * The pipeline's record for an assignment of `campaignId`. Without a key of its own it gets
 * `defaultKey` (stable per request and line), so a retried job assigns nothing twice.
 */
export function assignmentRecord(
  campaignId: string,
  input: AssignmentInput,
  defaultKey: string,
  assignedAt: number,
): CodeAssignmentRecord {
  return {
    type: 'codeAssignment',
    campaignId,
    userId: input.userId?.trim() || null,
    email: input.email?.trim().toLowerCase() || null,
    code: input.code?.trim() || null,
    codeKind: input.codeKind ?? null,
    selectedEvents: input.selectedEvents ?? [],
    refresh: input.refresh === true,
    waveId: input.waveId?.trim() || null,
    idempotencyKey: input.idempotencyKey?.trim() || defaultKey,
    assignedAt,
  };
}
