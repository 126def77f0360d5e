/**
 * What a VIEWER key sees of a fan's contact details: enough to tell fans apart and to see the
 * domain or country, not enough to reach them. OPERATOR keys see them whole.
 */

/** `jane.doe@example.com` -> `j***@example.com`. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at <= 0) return '***';
  return `${email[0]}***${email.slice(at)}`;
}

/** `+14155552671` -> `+1******2671`: the country code's first digit and the last four stay. */
export function maskPhone(phone: string): string {
  const kept = phone.length > 8 ? 4 : 2;
  const head = phone.startsWith('+') ? 2 : 0;
  return phone.slice(0, head) + '*'.repeat(Math.max(0, phone.length - head - kept)) + phone.slice(-kept);
}
