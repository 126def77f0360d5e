import type { Db, Filter } from '../../datasources/store';
import { C, type AudienceImportDoc, type MembershipDoc } from './model';

/**
 * The filter that reads each audience's memberships as published, in the order of
 * `audienceIds`. Readers join on the import that holds an audience, if any (see
 * AudienceImportDoc): while it is staged its memberships are left out; while a published
 * REPLACE is cleaning up, only the memberships it listed are read. An audience no import holds
 * (nearly always) is read by its audienceId alone, as fast as ever.
 */
export async function membershipFilters(db: Db, audienceIds: readonly string[]): Promise<Filter<MembershipDoc>[]> {
  const holders = await db
    .collection<AudienceImportDoc>(C.imports)
    .find(
      { audienceId: { $in: [...audienceIds] }, active: true },
      { projection: { audienceId: 1, staged: 1, replacing: 1 } },
    )
    .toArray();
  const holderOf = new Map(holders.map((holder) => [holder.audienceId, holder]));
  return audienceIds.map((audienceId) => filterFor(audienceId, holderOf.get(audienceId)));
}

type Holder = Pick<AudienceImportDoc, '_id' | 'staged' | 'replacing'>;

function filterFor(audienceId: string, holder: Holder | undefined | null): Filter<MembershipDoc> {
  if (holder?.staged) return { audienceId, importId: { $ne: holder._id } };
  if (holder?.replacing) return { audienceId, listedBy: holder._id };
  return { audienceId };
}

/**
 * How one audience is read now, with a mark that changes whenever an import takes hold of it,
 * publishes or lets it go (imports are counted, so one that came and went changes it too). A
 * long read that finds the same mark afterwards read no row of an import that began meanwhile.
 */
export async function membershipView(
  db: Db,
  audienceId: string,
): Promise<{ filter: Filter<MembershipDoc>; mark: string }> {
  const imports = db.collection<AudienceImportDoc>(C.imports);
  const [holder, started] = await Promise.all([
    imports.findOne({ audienceId, active: true }, { projection: { _id: 1, staged: 1, replacing: 1 } }),
    imports.countDocuments({ audienceId }),
  ]);
  const mark = `${started}:${holder?._id ?? ''}:${holder?.staged ?? ''}:${holder?.replacing ?? ''}`;
  return { filter: filterFor(audienceId, holder), mark };
}

/** True for a filter that reads an audience by its id alone (no import holds it). */
export const readsWholeAudience = (filter: Filter<MembershipDoc>) => Object.keys(filter).length === 1;
