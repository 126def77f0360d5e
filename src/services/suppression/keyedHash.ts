import { createHmac } from 'node:crypto';

/** What a keyed hash is of: the same value hashes differently as another kind. */
export type HashedKind = 'email' | 'phone' | 'userId' | 'subscriberKey';

/**
 * HMAC-SHA256 (hex) of a normalized e-mail (trimmed, lower-case), an E.164 number or an id,
 * keyed with PRIVACY_HASH_SECRET: who holds the stored hash cannot tell the value, and cannot
 * test guesses without the secret.
 */
export function keyedHash(secret: string, kind: HashedKind, value: string): string {
  return createHmac('sha256', secret).update(`${kind}\n${value}`).digest('hex');
}
