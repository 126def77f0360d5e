import type { Document } from '../../../datasources/store';
import { OUTBOX_COLLECTION } from '../../../datasources/messaging/port';
import { SMS_OUTBOX_COLLECTION } from '../../../datasources/sms';
import { C } from '../../campaigns/model';
import { SUBSCRIBERS } from '../../clicks/clickModels';
import { FAN_ENTRIES } from '../../fans/model';
import { LEADS } from '../../leads/model';
import { keyedHash } from '../../suppression/keyedHash';
import { normalizedEmail, type SuppressedHash, type SuppressedKind } from '../../suppression/suppressionList';
import { OPT_OUTS, WAVE_MESSAGES } from '../../waves/model';
import { SMS_INBOUND } from '../../waves/send/inboundLog';
import type { Person } from '../person';
import type { PrivacyDeps } from '../subject';
import { eraseEverywhere } from './eraseEverywhere';
import type { ErasureLog, LedgerEntry } from './erasureLog';

export interface ReapplyResult {
  /** Erasures of the ledger re-applied (started since, or unfinished then). */
  erasures: number;
  /** Of those, the ones the restored store had no record of. */
  restored: number;
  suppressionsAdded: number;
  /** E-mails and numbers of erased people the restored store held again. */
  people: number;
  changed: number;
}

/** Where the store keeps e-mails and numbers: each value is hashed and compared with the erasures'. */
const CONTACT_FIELDS: { collection: string; field: string; kinds: SuppressedKind[] }[] = [
  { collection: C.members, field: 'email', kinds: ['email'] },
  { collection: C.members, field: 'phone', kinds: ['phone'] },
  { collection: FAN_ENTRIES, field: 'email', kinds: ['email'] },
  { collection: FAN_ENTRIES, field: 'phone', kinds: ['phone'] },
  { collection: LEADS, field: 'email', kinds: ['email'] },
  { collection: LEADS, field: 'phone', kinds: ['phone'] },
  { collection: WAVE_MESSAGES, field: 'email', kinds: ['email'] },
  { collection: WAVE_MESSAGES, field: 'phone', kinds: ['phone'] },
  { collection: OUTBOX_COLLECTION, field: 'to', kinds: ['email', 'phone'] },
  { collection: SMS_OUTBOX_COLLECTION, field: 'to', kinds: ['phone'] },
  { collection: OPT_OUTS, field: 'phone', kinds: ['phone'] },
  { collection: SMS_INBOUND, field: 'from', kinds: ['phone'] },
  { collection: SUBSCRIBERS, field: 'subscriberKey', kinds: ['email'] },
];

/** A job runs hours at most: an erasure that started this long before the backup had ended by it. */
const LONGEST_ERASURE_MS = 7 * 86_400_000;

/**
 * After a restore: the erasures the ledger recorded since `since` (the backup's time), and those
 * still running then, are brought back into the store with their suppression entries, and every
 * e-mail or number of the restored store whose hash is one of theirs is erased again. The store
 * holds no erased value, so the values come from the restored data itself.
 */
export async function reapplyErasures(deps: PrivacyDeps, log: ErasureLog, since: Date, now = new Date()) {
  const result: ReapplyResult = { erasures: 0, restored: 0, suppressionsAdded: 0, people: 0, changed: 0 };
  const entries = (await log.ledgerSince(new Date(since.getTime() - LONGEST_ERASURE_MS))).filter(
    (entry) => new Date(entry.at) >= since || entry.finishedAt === null || new Date(entry.finishedAt) >= since,
  );
  if (entries.length === 0) return result;
  const erasureOf = new Map<string, string>();
  for (const entry of entries) {
    result.erasures += 1;
    if (await log.restore(entry, now)) result.restored += 1;
    result.suppressionsAdded += await deps.suppressions.add(entry.suppressions, entry.erasureId, now);
    for (const { kind, hash } of [...hashesOf(entry), ...entry.suppressions]) {
      erasureOf.set(`${kind}:${hash}`, entry.erasureId);
    }
  }
  const secret = await deps.secret();
  for (const { person, erasureId } of await peopleWithHashes(deps, secret, erasureOf)) {
    result.people += 1;
    const changes = await eraseEverywhere(deps, person, erasureId, async () => undefined, now);
    result.changed += changes.changed;
  }
  deps.logger.info({ ...result, since }, 'erasures re-applied after a restore');
  return result;
}

function hashesOf(entry: LedgerEntry): SuppressedHash[] {
  return [
    ...(entry.hashes.email ? [{ kind: 'email' as const, hash: entry.hashes.email }] : []),
    ...(entry.hashes.phone ? [{ kind: 'phone' as const, hash: entry.hashes.phone }] : []),
  ];
}

/** The restored store's e-mails and numbers whose keyed hash an erasure recorded. */
async function peopleWithHashes(deps: PrivacyDeps, secret: string, erasureOf: Map<string, string>) {
  const found = new Map<string, { person: Person; erasureId: string }>();
  for (const { collection, field, kinds } of CONTACT_FIELDS) {
    const values = deps.db.collection<Document>(collection).find({}, { projection: { [field]: 1 } });
    for await (const doc of values) {
      const value = doc[field];
      if (typeof value !== 'string' || value.length === 0) continue;
      for (const kind of kinds) {
        const normalized = kind === 'email' ? normalizedEmail(value) : value;
        const erasureId = erasureOf.get(`${kind}:${keyedHash(secret, kind, normalized)}`);
        if (!erasureId || found.has(`${kind}:${normalized}`)) continue;
        const person = kind === 'email' ? { email: normalized, phone: null } : { email: null, phone: normalized };
        found.set(`${kind}:${normalized}`, { person, erasureId });
      }
    }
  }
  return [...found.values()];
}
