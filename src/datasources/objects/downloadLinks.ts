import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Expiring download links for objects, served by this service under /files/<key> for both
 * engines (so no S3 presigner is needed and the bucket stays private). The signature covers the
 * key and the expiry time, so neither can be changed without the secret.
 */
export interface SignedDownload {
  expires: number;
  signature: string;
}

function sign(secret: string, key: string, expires: number): string {
  return createHmac('sha256', secret).update(`files\n${key}\n${expires}`).digest('base64url');
}

/** Signs `key` for download until `expiresAt`. */
export function signDownload(secret: string, key: string, expiresAt: Date): SignedDownload {
  const expires = Math.floor(expiresAt.getTime() / 1000);
  return { expires, signature: sign(secret, key, expires) };
}

/** True when the signature matches the key and expiry and the link has not expired at `now`. */
export function verifyDownload(
  secret: string,
  key: string,
  expires: number,
  signature: string,
  now = new Date(),
): boolean {
  if (!Number.isInteger(expires) || expires * 1000 < now.getTime()) return false;
  const expected = Buffer.from(sign(secret, key, expires));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
