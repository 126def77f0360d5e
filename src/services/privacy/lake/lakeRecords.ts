import type { Type } from 'avsc';
import type { PersonMatcher } from '../files/personMatcher';
import type { Pseudonyms } from '../pseudonyms';

export type LakeRecord = Record<string, unknown>;

/** Free-text fields of the fan records that name the person: emptied (null where the schema allows). */
const NAME_FIELDS = ['firstName', 'lastName', 'name', 'smsConsentSource', 'smsConsentAt'];

/** A record of the person: their e-mail, their number, or one of their fans' userIds. */
export function lakeRecordMatches(matcher: PersonMatcher, record: LakeRecord): boolean {
  const { email, phone, userId } = record;
  if (typeof email === 'string' && matcher.emails.has(email.trim().toLowerCase())) return true;
  if (typeof phone === 'string' && matcher.phones.has(phone)) return true;
  return typeof userId === 'string' && matcher.userIds.has(userId);
}

/**
 * The record without the person, in the same schema: the e-mail and number gone (or their
 * pseudonyms where the schema wants a string), the userId and any idempotency key made of it
 * pseudonymous, names and consent emptied. Counts, dates, markets, scores and codes stay, and so
 * does the record's match with its (pseudonymous) fan entry.
 */
export function anonymizedRecord(type: Type, record: LakeRecord, pseudonyms: Pseudonyms, matcher: PersonMatcher) {
  const fieldType = (name: string) =>
    (type as unknown as { field(name: string): { type: Type } | undefined }).field(name)?.type;
  const nullable = (name: string) => fieldType(name)?.isValid(null) === true;
  const out: LakeRecord = { ...record };
  if (typeof record.email === 'string') out.email = nullable('email') ? null : pseudonyms.email(record.email);
  if (typeof record.phone === 'string') out.phone = nullable('phone') ? null : pseudonyms.phone(record.phone);
  if (typeof record.userId === 'string') out.userId = pseudonyms.userId(record.userId);
  for (const name of NAME_FIELDS) {
    if (record[name] === undefined || record[name] === null) continue;
    if (nullable(name)) out[name] = null;
    else if (typeof record[name] === 'string') out[name] = '';
  }
  const key = record.idempotencyKey;
  if (typeof key === 'string' && namesPerson(key, matcher)) out.idempotencyKey = pseudonyms.text(key);
  return out;
}

const namesPerson = (text: string, matcher: PersonMatcher) =>
  [...matcher.emails, ...matcher.phones, ...matcher.userIds].some((value) => text.includes(value));
