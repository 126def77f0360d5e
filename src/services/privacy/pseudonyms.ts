import { createHmac } from 'node:crypto';
import { normalizedEmail } from '../suppression/suppressionList';

/** The domain erased e-mail addresses are rewritten to: reserved, never delivered (RFC 2606). */
export const ERASED_DOMAIN = 'erased.invalid';

/**
 * What an erased identifier becomes where a document or record stays (it feeds counts): a
 * pseudonym keyed with PRIVACY_HASH_SECRET. The same value always gives the same pseudonym, so a
 * retried or repeated erasure rewrites it the same way and the lake's records keep matching their
 * entries; who has no secret cannot tell whose it was. Kept apart from the suppression hashes
 * (another message is keyed), so a pseudonym does not point at its suppression entry.
 */
export class Pseudonyms {
  constructor(private readonly secret: string) {}

  private token(kind: string, value: string): string {
    return `erased-${createHmac('sha256', this.secret).update(`pseudonym\n${kind}\n${value}`).digest('hex').slice(0, 24)}`;
  }

  /** An address at erased.invalid, the same for every record of the original address. */
  email(email: string): string {
    return `${this.token('email', normalizedEmail(email))}@${ERASED_DOMAIN}`;
  }

  /**
   * An address at erased.invalid of one document (a member, a lead): unique like the address a
   * unique index holds it to, also when the same person is erased again under a new document.
   */
  emailOf(collection: string, id: string): string {
    return `${this.token(`email:${collection}`, id)}@${ERASED_DOMAIN}`;
  }

  phone(phone: string): string {
    return this.token('phone', phone);
  }

  userId(userId: string): string {
    return this.token('userId', userId);
  }

  /** A Marketing Cloud subscriber key, per business unit (subscribers are). */
  subscriberKey(bu: string, subscriberKey: string): string {
    return this.token('subscriberKey', `${bu}\n${subscriberKey}`);
  }

  /** Any other text that names the person (an idempotency key made of a userId, ...). */
  text(value: string): string {
    return this.token('text', value);
  }
}

/** True for a value an erasure wrote: such values are never a person's. */
export const isPseudonym = (value: string) => value.startsWith('erased-');
