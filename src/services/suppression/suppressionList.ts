import type { Db } from '../../datasources/store';
import { keyedHash } from './keyedHash';
import { PrivacySecretMissing, type PrivacySecret } from './privacySecret';

/** People who must never be contacted again, by keyed hash of their e-mail or number. */
export const SUPPRESSIONS = 'suppressions';

export type SuppressedKind = 'email' | 'phone';

export interface SuppressionDoc {
  /** `${kind}:${hash}`. */
  _id: string;
  kind: SuppressedKind;
  /** keyedHash of the normalized e-mail (trimmed, lower-case) or the E.164 number. */
  hash: string;
  /** ERASED: erasePerson; the person's opt-outs went with their data. */
  reason: 'ERASED';
  /** The erasure that added it. */
  erasureId: string;
  at: Date;
}

/** A recipient as the senders know it: an e-mail, a number, or both. */
export interface Contact {
  email?: string | null;
  phone?: string | null;
}

/** A suppression entry's key: the kind of contact and its keyed hash. */
export interface SuppressedHash {
  kind: SuppressedKind;
  hash: string;
}

export const suppressionId = (kind: SuppressedKind, hash: string) => `${kind}:${hash}`;

/** The form an e-mail is hashed in: trimmed and lower-case, as members, fans and leads keep it. */
export const normalizedEmail = (email: string) => email.trim().toLowerCase();

/**
 * The suppression list (`suppressions`): the campaign sender and the wave sender ask it about
 * each batch before anything goes out, and skip whoever is on it, whatever channel or brand.
 */
export class SuppressionList {
  constructor(
    private readonly db: Db,
    private readonly secret: PrivacySecret,
  ) {}

  private get collection() {
    return this.db.collection<SuppressionDoc>(SUPPRESSIONS);
  }

  /** For each contact, whether its e-mail or its number is suppressed: one read for the batch. */
  async suppressed(contacts: readonly Contact[]): Promise<boolean[]> {
    const ids = new Map<number, string[]>();
    const secret = await this.secretIfNeeded();
    if (secret === null) return contacts.map(() => false);
    contacts.forEach((contact, index) => {
      const own: string[] = [];
      if (contact.email) own.push(suppressionId('email', keyedHash(secret, 'email', normalizedEmail(contact.email))));
      if (contact.phone) own.push(suppressionId('phone', keyedHash(secret, 'phone', contact.phone)));
      ids.set(index, own);
    });
    const wanted = [...new Set([...ids.values()].flat())];
    if (wanted.length === 0) return contacts.map(() => false);
    const found = await this.collection.find({ _id: { $in: wanted } }, { projection: { _id: 1 } }).toArray();
    const listed = new Set(found.map((doc) => doc._id));
    return contacts.map((_contact, index) => (ids.get(index) ?? []).some((id) => listed.has(id)));
  }

  /** Adds the hashes (already keyed); answers how many were not listed yet. */
  async add(hashes: readonly SuppressedHash[], erasureId: string, at: Date): Promise<number> {
    let added = 0;
    for (const { kind, hash } of hashes) {
      const result = await this.collection.updateOne(
        { _id: suppressionId(kind, hash) },
        { $setOnInsert: { kind, hash, reason: 'ERASED', erasureId, at } },
        { upsert: true },
      );
      added += result.upsertedCount;
    }
    return added;
  }

  /** True when the hash is listed. */
  async has(kind: SuppressedKind, hash: string): Promise<boolean> {
    return (await this.collection.findOne({ _id: suppressionId(kind, hash) }, { projection: { _id: 1 } })) !== null;
  }

  /**
   * The secret, or null when production has none and nothing is suppressed: nobody can have been
   * erased without it, so sends go on. Once anything is suppressed a missing secret stops them.
   */
  private async secretIfNeeded(): Promise<string | null> {
    try {
      return await this.secret();
    } catch (error) {
      if (!(error instanceof PrivacySecretMissing)) throw error;
      if ((await this.collection.findOne({}, { projection: { _id: 1 } })) === null) return null;
      throw error;
    }
  }
}
