/** E-mails are compared trimmed and lower-cased: " Ann@X.com " and "ann@x.com" are one member. */
export function normalizeEmail(raw: string): string {
  return raw.trim().toLowerCase();
}

// Deliberately simple: one @, no spaces, a dot in the domain. Providers do the real check.
const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function isValidEmail(normalized: string): boolean {
  return normalized.length <= 254 && emailPattern.test(normalized);
}
