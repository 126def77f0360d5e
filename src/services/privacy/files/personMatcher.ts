import { parsePhoneNumberFromString } from 'libphonenumber-js';
import type { PersonTrail } from '../trail';

/**
 * What a row of a file or a lake record is matched against: the person's e-mail, their number
 * (as E.164 digits, or the national digits a file may write it with), and the fans' userIds the
 * store knows them by.
 */
export interface PersonMatcher {
  emails: ReadonlySet<string>;
  phones: ReadonlySet<string>;
  /** E.164 without the +: `+12125550199` -> `12125550199`. */
  phoneDigits: ReadonlySet<string>;
  /** The national significant number: `2125550199`; `020 7946 0018` is `2079460018`. */
  nationalDigits: ReadonlySet<string>;
  userIds: ReadonlySet<string>;
}

export function personMatcher(trail: Pick<PersonTrail, 'emails' | 'phones' | 'userIds'>): PersonMatcher {
  const parsed = trail.phones.map((phone) => parsePhoneNumberFromString(phone));
  return {
    emails: new Set(trail.emails),
    phones: new Set(trail.phones),
    phoneDigits: new Set(trail.phones.map((phone) => phone.slice(1))),
    nationalDigits: new Set(parsed.flatMap((phone) => (phone ? [String(phone.nationalNumber)] : []))),
    userIds: new Set(trail.userIds),
  };
}

/** What a column of a file holds, by its header: e-mails, numbers, fan ids, or anything else. */
export type ColumnRole = 'email' | 'phone' | 'userId' | 'other';

export function columnRoles(header: readonly string[]): ColumnRole[] {
  return header.map((name) => {
    const folded = name
      .trim()
      .toLowerCase()
      .replace(/^\uFEFF/, '');
    if (folded === 'userid' || folded === 'user_id') return 'userId';
    if (folded.includes('email') || folded.includes('e-mail')) return 'email';
    if (folded.includes('phone') || folded.includes('mobile')) return 'phone';
    return 'other';
  });
}

export const isEmailOf = (matcher: PersonMatcher, cell: string) => matcher.emails.has(cell.trim().toLowerCase());

/**
 * True when a phone cell writes the person's number: in international form (`+1 212-555-0199`,
 * `0044...`), as E.164 digits without the +, or as the national number (a leading trunk 0 aside).
 */
export function isPhoneOf(matcher: PersonMatcher, cell: string): boolean {
  const text = cell.trim();
  if (text.length === 0 || text.length > 40) return false;
  let digits = text.replace(/\D/g, '');
  if (text.startsWith('+')) return matcher.phoneDigits.has(digits);
  if (text.startsWith('00')) return matcher.phoneDigits.has(digits.slice(2));
  if (matcher.phoneDigits.has(digits)) return true;
  digits = digits.replace(/^0+/, '');
  return matcher.nationalDigits.has(digits);
}

/**
 * A row of the person: an e-mail or number column holding theirs, a userId column holding one of
 * their ids, or any other cell that is exactly their e-mail or their E.164 number.
 */
export function rowMatches(matcher: PersonMatcher, roles: readonly ColumnRole[], cells: readonly string[]): boolean {
  for (let index = 0; index < cells.length; index++) {
    const cell = cells[index]!;
    if (cell.length === 0) continue;
    const role = roles[index] ?? 'other';
    if (role === 'email' || role === 'other') {
      if (isEmailOf(matcher, cell)) return true;
    }
    if (role === 'phone' && isPhoneOf(matcher, cell)) return true;
    if (role === 'other' && matcher.phones.has(cell.trim())) return true;
    if (role === 'userId' && matcher.userIds.has(cell.trim())) return true;
  }
  return false;
}
