import { badInput } from '../../errors';
import type { ErasureAction, StoredDoc } from './holders/holder';
import { storeHolders } from './holders/storeHolders';
import type { Person } from './person';
import { subjectOf, type PrivacyDeps } from './subject';

/** One collection's documents of the person. */
export interface CollectionFinding {
  collection: string;
  domain: string;
  /** What erasePerson does to them. */
  action: ErasureAction;
  count: number;
  /** The first ids, in _id order. */
  ids: string[];
}

export interface PersonalDataReport {
  person: Person;
  totalDocuments: number;
  /** Collections holding at least one of the person's documents. */
  collections: CollectionFinding[];
}

export const DEFAULT_IDS_PER_COLLECTION = 20;
export const MAX_IDS_PER_COLLECTION = 1000;

/**
 * Every store document that holds the person's data, by collection: how many and the first ids.
 * Each collection is read through an index (the trail's ids, or the e-mail and number indexes the
 * privacy feature declares); files and the lake are in the export.
 */
export async function findPersonalData(
  deps: PrivacyDeps,
  person: Person,
  idsPerCollection = DEFAULT_IDS_PER_COLLECTION,
): Promise<PersonalDataReport> {
  if (!Number.isInteger(idsPerCollection) || idsPerCollection < 0 || idsPerCollection > MAX_IDS_PER_COLLECTION) {
    throw badInput(`idsPerCollection: from 0 to ${MAX_IDS_PER_COLLECTION}`, 'idsPerCollection');
  }
  const { trail } = await subjectOf(deps, person);
  const collections: CollectionFinding[] = [];
  for (const holder of storeHolders) {
    const filter = holder.filter(trail);
    if (!filter) continue;
    const documents = deps.db.collection<StoredDoc>(holder.collection);
    const count = await documents.countDocuments(filter);
    if (count === 0) continue;
    const ids =
      idsPerCollection === 0
        ? []
        : await documents.find(filter, { projection: { _id: 1 }, sort: { _id: 1 }, limit: idsPerCollection }).toArray();
    collections.push({
      collection: holder.collection,
      domain: holder.domain,
      action: holder.action,
      count,
      ids: ids.map((doc) => String(doc._id)),
    });
  }
  return { person, totalDocuments: collections.reduce((sum, found) => sum + found.count, 0), collections };
}
