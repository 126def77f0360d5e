import type { CodeAssignmentRecord, FanRecord, RegistrationRecord, ScoringRecord } from '../records';

/** A rule of the contract a record breaks, naming the field. */
export interface RuleBreak {
  reason: string;
  field: string;
}

/** Something@domain.tld, no spaces: what a registration's e-mail must look like. */
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export const isEmail = (value: string): boolean => EMAIL.test(value);

const required = (record: object, fields: string[]): RuleBreak | null => {
  for (const field of fields) {
    if ((record as Record<string, unknown>)[field] === '') return { reason: `${field}: required`, field };
  }
  return null;
};

function registrationBreak(record: RegistrationRecord): RuleBreak | null {
  const missing = required(record, ['campaignId', 'userId', 'email']);
  if (missing) return missing;
  if (!isEmail(record.email))
    return { reason: `email: ${JSON.stringify(record.email)} is not an e-mail address`, field: 'email' };
  // Order is the fan's preference; a market named twice counts once, where it first appears.
  record.marketPreferences = [...new Set(record.marketPreferences.filter(Boolean))];
  if (record.marketPreferences.length === 0) {
    return { reason: 'marketPreferences: at least one market', field: 'marketPreferences' };
  }
  if (record.smsConsentAt !== null && record.smsConsentSource === null) {
    return { reason: 'smsConsentSource: required with smsConsentAt', field: 'smsConsentSource' };
  }
  return null;
}

function scoringBreak(record: ScoringRecord): RuleBreak | null {
  const missing = required(record, ['campaignId', 'userId', 'source']);
  if (missing) return missing;
  if (!Number.isFinite(record.score) || record.score < 0 || record.score > 1) {
    return { reason: `score: ${record.score} is outside [0, 1]`, field: 'score' };
  }
  return null;
}

function codeAssignmentBreak(record: CodeAssignmentRecord): RuleBreak | null {
  const missing = required(record, ['campaignId']);
  if (missing) return missing;
  if (record.userId === null && record.email === null) {
    return { reason: 'userId: required when there is no email', field: 'userId' };
  }
  record.selectedEvents = record.selectedEvents.filter(Boolean);
  return null;
}

/**
 * The contract's rules beyond the Avro types (docs/pipelines/fans/ingestion.md), on a record the
 * schema accepted: required strings are not empty, a registration's e-mail is an address and it
 * names a market, a score is in [0, 1], a code assignment names its fan. Drops empty and repeated
 * list items in place.
 */
export function recordRuleBreak(record: FanRecord): RuleBreak | null {
  switch (record.type) {
    case 'registration':
      return registrationBreak(record);
    case 'scoring':
      return scoringBreak(record);
    case 'codeAssignment':
      return codeAssignmentBreak(record);
  }
}
