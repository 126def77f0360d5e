import type { CodeKind } from '../model';
import type { CodeAssignmentRecord } from '../records';
import { reject, type AssignmentReject } from './assignmentRejects';
import { CODE_RULE, formatCode, formatSelectedEvents, SELECTED_EVENTS_RULE } from './codeFormat';

/** A code-assignment record checked and normalized: what the batch works from. */
export interface AssignmentAsk {
  record: CodeAssignmentRecord;
  campaignId: string;
  userId: string | null;
  /** Lower-case and trimmed. */
  email: string | null;
  /** null: take the next free NON_TM code (or, on a refresh, keep the fan's). */
  code: string | null;
  kind: CodeKind;
  selectedEvents: string[];
  refresh: boolean;
  waveId: string | null;
  at: Date;
}

const KINDS: readonly CodeKind[] = ['NON_TM', 'TM', 'OFFER'];

const text = (value: unknown): string | null =>
  typeof value === 'string' && value.trim().length > 0 ? value.trim() : null;

/**
 * Checks what the Avro contract cannot: a fan named, a code of the right shape for its kind,
 * sane selected events. The kind defaults to NON_TM; TM and OFFER codes must be given (TM codes
 * come from the ticketing side, offer codes from a wave).
 */
export function assignmentAsk(record: CodeAssignmentRecord): AssignmentAsk | AssignmentReject {
  const campaignId = text(record?.campaignId);
  if (!campaignId) return reject('INVALID_RECORD', 'campaignId: required');
  const userId = text(record.userId);
  const email = text(record.email)?.toLowerCase() ?? null;
  if (!userId && !email) return reject('INVALID_RECORD', 'userId or email: one is required');
  const at = new Date(record.assignedAt);
  if (!Number.isFinite(at.getTime())) return reject('INVALID_RECORD', 'assignedAt: a time in milliseconds');
  const kind = record.codeKind ?? 'NON_TM';
  if (!KINDS.includes(kind)) return reject('INVALID_RECORD', `codeKind: one of ${KINDS.join(', ')}`);
  if (!Array.isArray(record.selectedEvents) || record.selectedEvents.some((event) => typeof event !== 'string')) {
    return reject('INVALID_SELECTED_EVENTS', 'selectedEvents: a list of event names');
  }
  const selectedEvents = formatSelectedEvents(record.selectedEvents);
  if (!selectedEvents) return reject('INVALID_SELECTED_EVENTS', `selectedEvents: ${SELECTED_EVENTS_RULE}`);
  const refresh = record.refresh === true;
  let code: string | null = null;
  if (!refresh && record.code !== null && record.code !== undefined && text(record.code) !== null) {
    code = formatCode(record.code);
    if (!code) return reject('INVALID_CODE', `code ${JSON.stringify(record.code)}: ${CODE_RULE}`);
  }
  if (!refresh && !code && kind !== 'NON_TM') {
    return reject('CODE_REQUIRED', `code: required for ${kind} codes (only NON_TM codes are taken from a pool)`);
  }
  return { record, campaignId, userId, email, code, kind, selectedEvents, refresh, waveId: text(record.waveId), at };
}

export const isReject = (value: AssignmentAsk | AssignmentReject): value is AssignmentReject => 'message' in value;
