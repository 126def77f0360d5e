import { randomInt } from 'node:crypto';

/** Crockford's base32: no I, L, O or U, so a code read aloud or typed is not misread. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const LENGTH = 12;
const GROUP = 4;

/** 12 characters (60 bits) from crypto's random source, shown as XXXX-XXXX-XXXX. */
export function newOfferCode(): string {
  let raw = '';
  for (let index = 0; index < LENGTH; index++) raw += ALPHABET[randomInt(ALPHABET.length)];
  return shown(raw);
}

/**
 * A code as a fan may type it (any case, with or without dashes or spaces, I and L for 1, O for
 * 0, as Crockford's decoding reads them) in its shown form; null when it cannot be an offer code.
 */
export function normalizeOfferCode(input: string): string | null {
  const raw = input.toUpperCase().replace(/[\s-]/g, '').replace(/[IL]/g, '1').replace(/O/g, '0');
  if (raw.length !== LENGTH || [...raw].some((char) => !ALPHABET.includes(char))) return null;
  return shown(raw);
}

const shown = (raw: string) => raw.match(new RegExp(`.{${GROUP}}`, 'g'))!.join('-');
