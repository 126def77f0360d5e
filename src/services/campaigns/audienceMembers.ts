import type { Db } from '../../datasources/store';
import { paginate, type Page, type PageArgs } from '../pagination';
import type { UploadLimits } from '../uploads/readRows';
import { entities, requireActive } from './catalog';
import { importAudienceMembers, type ImportMembersInput } from './importMembers';
import { C, type AudienceImportDoc, type MemberDoc, type MembershipDoc } from './model';
import { addMemberships, removeMemberships } from './upsertMembers';

/** Who is in an audience: counts, pages, additions, removals and imports of members. */
export class AudienceMembers {
  constructor(
    private readonly db: Db,
    private readonly importLimits: UploadLimits,
  ) {}

  /** Members of each audience (archived members included), in the order of `audienceIds`. */
  async counts(audienceIds: readonly string[]): Promise<number[]> {
    const counts = await this.db
      .collection<MembershipDoc>(C.memberships)
      .aggregate<{ _id: string; n: number }>([
        { $match: { audienceId: { $in: [...audienceIds] } } },
        { $group: { _id: '$audienceId', n: { $sum: 1 } } },
      ])
      .toArray();
    const byId = new Map(counts.map((row) => [row._id, row.n]));
    return audienceIds.map((id) => byId.get(id) ?? 0);
  }

  /** A page of the audience's member ids, in the order they joined it. */
  memberIds(audienceId: string, page: PageArgs): Promise<Page<string>> {
    return paginate(this.db.collection<MembershipDoc>(C.memberships), { audienceId }, page, {
      toNode: (membership) => membership.memberId,
    });
  }

  /** Adds the existing ones of `memberIds` to an active audience; answers how many were not in it yet. */
  async add(audienceId: string, memberIds: string[]): Promise<number> {
    await requireActive(this.db, entities.audience, audienceId, 'audienceId');
    const found = await this.db
      .collection<MemberDoc>(C.members)
      .find({ _id: { $in: memberIds } }, { projection: { _id: 1 } })
      .toArray();
    return addMemberships(this.db, audienceId, found.map((member) => member._id), new Date());
  }

  /** Answers how many of `memberIds` were in the audience. */
  remove(audienceId: string, memberIds: string[]): Promise<number> {
    return removeMemberships(this.db, audienceId, memberIds);
  }

  import(input: ImportMembersInput): Promise<AudienceImportDoc> {
    return importAudienceMembers(this.db, this.importLimits, input);
  }
}
