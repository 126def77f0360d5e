import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { badInput } from '../../errors';
import { isEmailAddress } from '../fans/blacklist/normalize';

/** Whose data is asked about: an e-mail (trimmed, lower-case), an E.164 number, or both. */
export interface Person {
  email: string | null;
  phone: string | null;
}

export interface PersonInput {
  email?: string | null;
  phone?: string | null;
}

const MAX_INPUT_CHARS = 320;

/**
 * The person an admin names, normalized as the domains store contacts: the e-mail trimmed and
 * lower-cased, the number in E.164 (libphonenumber-js). BAD_USER_INPUT naming the field when
 * neither is given, or one is not an address or a valid international number.
 */
export function parsePerson(input: PersonInput): Person {
  const email = input.email?.trim() ? input.email.trim().toLowerCase() : null;
  const phoneText = input.phone?.trim() ? input.phone.trim() : null;
  if (email === null && phoneText === null) throw badInput('Give an email, a phone, or both', 'email');
  if (email !== null && (email.length > MAX_INPUT_CHARS || !isEmailAddress(email))) {
    throw badInput('email: not an e-mail address', 'email');
  }
  return { email, phone: phoneText === null ? null : e164(phoneText) };
}

function e164(text: string): string {
  if (text.length > MAX_INPUT_CHARS) throw badInput('phone: not a phone number', 'phone');
  if (!/^(\+|00)/.test(text)) {
    throw badInput('phone: give the number in international format, with its country code (+1 212 555 0199)', 'phone');
  }
  const parsed = parsePhoneNumberFromString(text.replace(/^00/, '+'));
  if (!parsed?.isValid()) throw badInput(`phone: not a valid phone number`, 'phone');
  return parsed.number;
}
