import type { Db } from '../../../datasources/store';
import { BLACKLIST, type BlacklistDoc } from '../model';
import { normalizeEmail } from './normalize';

export type BlacklistHit = 'BLACKLISTED_EMAIL' | 'BLACKLISTED_DOMAIN';

/**
 * The blacklist held in memory for one pass over a file: an e-mail is looked up by its
 * normalized mailbox, then by its domain and each parent domain (a blacklisted `example.com`
 * blocks `mail.example.com`). Built once per file, so entries added meanwhile apply to the next.
 */
export class BlacklistMatcher {
  constructor(
    private readonly emails: ReadonlySet<string>,
    private readonly domains: ReadonlySet<string>,
  ) {}

  /** Reads every entry of the blacklist (its size is the operators' list, not the fans'). */
  static async load(db: Db): Promise<BlacklistMatcher> {
    const emails = new Set<string>();
    const domains = new Set<string>();
    const cursor = db.collection<BlacklistDoc>(BLACKLIST).find({}, { projection: { kind: 1, value: 1 } });
    for await (const entry of cursor) (entry.kind === 'EMAIL' ? emails : domains).add(entry.value);
    return new BlacklistMatcher(emails, domains);
  }

  get size(): number {
    return this.emails.size + this.domains.size;
  }

  /** Why the address is blocked, or null; an address that does not normalize is never blocked here. */
  match(rawEmail: string): BlacklistHit | null {
    const email = normalizeEmail(rawEmail);
    if (email === null) return null;
    if (this.emails.has(email)) return 'BLACKLISTED_EMAIL';
    if (this.domains.size === 0) return null;
    // the domain, then each parent: no array of them is built per row
    for (let dot = email.lastIndexOf('@'); dot !== -1; dot = email.indexOf('.', dot + 1)) {
      if (this.domains.has(email.slice(dot + 1))) return 'BLACKLISTED_DOMAIN';
    }
    return null;
  }
}
