import type { Db } from '../../datasources/store';
import { conflict } from '../../errors';
import { C, type AudienceImportDoc, type MemberDoc } from './model';

/**
 * CONFLICT when one of `members` was created or overwritten by an import that is not published
 * (running, or failed and not yet undone) other than `self`: that import's failure would delete
 * or restore the member under what the caller is about to do with it. Members of published
 * imports (nearly all) cost one lookup of their imports by id.
 */
export async function requireMembersFree(
  db: Db,
  members: Pick<MemberDoc, 'email' | 'importId'>[],
  self?: string,
): Promise<void> {
  const importIds = new Set<string>();
  for (const { importId } of members) if (importId && importId !== self) importIds.add(importId);
  if (importIds.size === 0) return;
  const unpublished = await db.collection<AudienceImportDoc>(C.imports).findOne(
    // a member still carrying a failed import's id is about to be deleted or restored by its undo
    { _id: { $in: [...importIds] }, status: { $ne: 'SUCCEEDED' } },
    { projection: { _id: 1, audienceId: 1 } },
  );
  if (!unpublished) return;
  const member = members.find((candidate) => candidate.importId === unpublished._id)!;
  throw conflict(
    `Member ${member.email} is being written by import ${unpublished._id} of audience ${unpublished.audienceId}, ` +
      'which has not finished; try again when it has',
  );
}
