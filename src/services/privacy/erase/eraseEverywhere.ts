import { keyedHash } from '../../suppression/keyedHash';
import type { SuppressedHash } from '../../suppression/suppressionList';
import type { Person } from '../person';
import { subjectOf, type PrivacyDeps, type Subject } from '../subject';
import { eraseFromFiles, type FileChange } from './eraseFiles';
import { eraseFromLake, type LakeChange } from './eraseLake';
import { eraseFromStore, type CollectionChange } from './eraseStore';

/** What one erasure changed: store documents by collection, files by family, lake records, suppressions. */
export interface ErasureChanges {
  /** Documents, file rows and lake records changed; 0 for a person the service does not hold. */
  changed: number;
  store: CollectionChange[];
  files: FileChange[];
  lake: LakeChange;
  /** Suppression entries added (the e-mail's and the number's, when the person was found). */
  suppressionsAdded: number;
  /** The person is on the suppression list (now, or from an earlier erasure). */
  suppressed: boolean;
  /** The entries that keep the person suppressed, by keyed hash: what the erasure's record keeps. */
  suppressions: SuppressedHash[];
}

export type ErasureProgress = (fraction: number, message: string) => Promise<void>;

/**
 * Erases the person: the lake first and the files, while the store still names their userIds
 * (a retry after a crash finds them again), then the store's documents. Once anything was found
 * the person goes on the suppression list; a person found nowhere is a success with nothing changed.
 */
export async function eraseEverywhere(
  deps: PrivacyDeps,
  person: Person,
  erasureId: string,
  progress: ErasureProgress,
  now = new Date(),
): Promise<ErasureChanges> {
  const subject = await subjectOf(deps, person);
  await progress(0.05, 'lake');
  const lake = await eraseFromLake(deps, subject);
  await progress(0.5, 'files');
  const files = await eraseFromFiles(deps, subject);
  await progress(0.8, 'store');
  const store = await eraseFromStore(deps, subject, now);
  const changed =
    lake.records +
    lake.bufferRecords +
    files.reduce((sum, file) => sum + file.rows, 0) +
    store.reduce((sum, collection) => sum + collection.deleted + collection.anonymized, 0);
  const hashes = suppressedHashes(subject);
  const suppressionsAdded = changed > 0 ? await deps.suppressions.add(hashes, erasureId, now) : 0;
  const listed = await Promise.all(hashes.map(({ kind, hash }) => deps.suppressions.has(kind, hash)));
  const suppressions = hashes.filter((_hash, index) => listed[index]);
  return { changed, store, files, lake, suppressionsAdded, suppressed: suppressions.length > 0, suppressions };
}

/** The e-mail and number asked about, and those the person's entries and leads hold besides. */
function suppressedHashes(subject: Subject): SuppressedHash[] {
  const { hashes, trail, secret } = subject;
  const own = [
    ...(hashes.email ? [{ kind: 'email' as const, hash: hashes.email }] : []),
    ...(hashes.phone ? [{ kind: 'phone' as const, hash: hashes.phone }] : []),
  ];
  const linked = [
    ...trail.linked.emails.map((email) => ({ kind: 'email' as const, hash: keyedHash(secret, 'email', email) })),
    ...trail.linked.phones.map((phone) => ({ kind: 'phone' as const, hash: keyedHash(secret, 'phone', phone) })),
  ];
  return [...new Map([...own, ...linked].map((entry) => [`${entry.kind}:${entry.hash}`, entry])).values()];
}
