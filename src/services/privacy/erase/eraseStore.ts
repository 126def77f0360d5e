import type { ErasedCounts } from '../holders/holder';
import { storeHolders } from '../holders/storeHolders';
import type { PrivacyDeps, Subject } from '../subject';

export interface CollectionChange extends ErasedCounts {
  collection: string;
}

/** Runs each holder's erase on the person's documents; answers the collections it changed. */
export async function eraseFromStore(deps: PrivacyDeps, subject: Subject, now: Date): Promise<CollectionChange[]> {
  const context = { db: deps.db, objects: deps.objects, pseudonyms: subject.pseudonyms, now };
  const changes: CollectionChange[] = [];
  for (const holder of storeHolders) {
    const filter = holder.filter(subject.trail);
    if (!filter) continue;
    const counts = await holder.erase(context, filter, subject.trail);
    if (counts.deleted + counts.anonymized > 0) changes.push({ collection: holder.collection, ...counts });
  }
  return changes;
}
