import type { BlacklistKind } from '../model';

/** Domains that deliver to one Gmail mailbox: googlemail.com is gmail.com, and dots in the local part are ignored. */
const GMAIL = 'gmail.com';
const GMAIL_ALIASES = new Set([GMAIL, 'googlemail.com']);

const MAX_EMAIL_CHARS = 254;
const MAX_LOCAL_CHARS = 64;
const MAX_DOMAIN_CHARS = 253;
const MAX_LABEL_CHARS = 63;

/**
 * The mailbox an address reaches, as the blacklist compares them: trimmed, lower-case, the
 * plus-tag dropped (`jane+promo@` is `jane@`), googlemail.com read as gmail.com and, for Gmail,
 * the dots of the local part dropped (`j.a.ne@gmail.com` is `jane@gmail.com`). Returns null
 * when it is not an address at all (no `@`, nothing before or after it).
 */
export function normalizeEmail(raw: string): string | null {
  const email = raw.trim().toLowerCase();
  const at = email.lastIndexOf('@');
  if (at <= 0 || at === email.length - 1) return null;
  let local = email.slice(0, at);
  let domain = email.slice(at + 1);
  const plus = local.indexOf('+');
  if (plus === 0) return null;
  if (plus > 0) local = local.slice(0, plus);
  if (GMAIL_ALIASES.has(domain)) {
    domain = GMAIL;
    local = local.replaceAll('.', '');
    if (local === '') return null;
  }
  return `${local}@${domain}`;
}

/** A domain as the blacklist keeps it: trimmed, lower-case, without a leading `@` or a trailing dot; googlemail.com is gmail.com. */
export function normalizeDomain(raw: string): string {
  let domain = raw.trim().toLowerCase();
  if (domain.startsWith('@')) domain = domain.slice(1);
  if (domain.endsWith('.')) domain = domain.slice(0, -1);
  return GMAIL_ALIASES.has(domain) ? GMAIL : domain;
}

/**
 * True for a host name of letters, digits and hyphens in dot-separated labels (1 to 63
 * characters, no hyphen at either end), 253 characters at most. Checked character by
 * character: no regular expression that could backtrack on a long cell.
 */
export function isDomainName(domain: string): boolean {
  if (domain.length === 0 || domain.length > MAX_DOMAIN_CHARS) return false;
  let labelStart = 0;
  for (let i = 0; i <= domain.length; i++) {
    const code = i < domain.length ? domain.charCodeAt(i) : 46;
    if (code === 46 /* . */) {
      const length = i - labelStart;
      if (length === 0 || length > MAX_LABEL_CHARS) return false;
      if (domain.charCodeAt(labelStart) === 45 || domain.charCodeAt(i - 1) === 45) return false;
      labelStart = i + 1;
    } else if (!isLetterOrDigit(code) && code !== 45 /* - */) return false;
  }
  return true;
}

/** Characters RFC 5322 allows unquoted in a local part besides letters, digits and dots. */
const LOCAL_SYMBOLS = new Set("!#$%&'*+/=?^_`{|}~-".split('').map((char) => char.charCodeAt(0)));

/**
 * True for an address a mail server would take: a local part of letters, digits, dots (not
 * first, last or doubled) and RFC 5322's symbols, 64 characters at most; a domain of at least
 * two labels whose last (the top-level domain) has no digits only; 254 characters in all.
 * Quoted local parts and IP-literal domains are refused: sign-up forms do not produce them.
 */
export function isEmailAddress(email: string): boolean {
  if (email.length > MAX_EMAIL_CHARS) return false;
  const at = email.lastIndexOf('@');
  if (at <= 0 || at > MAX_LOCAL_CHARS) return false;
  for (let i = 0; i < at; i++) {
    const code = email.charCodeAt(i);
    if (code === 46 /* . */) {
      if (i === 0 || i === at - 1 || email.charCodeAt(i - 1) === 46) return false;
    } else if (!isLetterOrDigit(code) && !LOCAL_SYMBOLS.has(code)) return false;
  }
  const domain = email.slice(at + 1);
  const lastDot = domain.lastIndexOf('.');
  if (lastDot <= 0 || !isDomainName(domain)) return false;
  for (let i = lastDot + 1; i < domain.length; i++) {
    if (!isDigit(domain.charCodeAt(i))) return true;
  }
  return false;
}

/**
 * A blacklist entry's value as stored, or the reason it cannot be one. E-mails are kept
 * normalized (normalizeEmail), domains lower-case (normalizeDomain).
 */
export function blacklistValue(kind: BlacklistKind, raw: string): { value: string } | { error: string } {
  if (kind === 'EMAIL') {
    const value = normalizeEmail(raw);
    if (value === null || !isEmailAddress(value)) return { error: `"${clip(raw)}" is not an e-mail address` };
    return { value };
  }
  const value = normalizeDomain(raw);
  if (!isDomainName(value)) return { error: `"${clip(raw)}" is not a domain name` };
  return { value };
}

const isDigit = (code: number) => code >= 48 && code <= 57;
const isLetterOrDigit = (code: number) => isDigit(code) || (code >= 97 && code <= 122) || (code >= 65 && code <= 90);
const clip = (text: string) => (text.length > 80 ? `${text.slice(0, 80)}...` : text);
