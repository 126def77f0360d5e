import type { Db } from '../../datasources/store';
import { paginate, type Page, type PageArgs } from '../pagination';
import { DEFAULT_LEASE_TIMING, type LeaseTiming } from '../uploads/importLease';
import type { UploadLimits } from '../uploads/readRows';
import { entities, requireActive } from './catalog';
import { recoverStaleImports, requireNotHeld } from './importHold';
import { importAudienceMembers, type ImportMembersInput } from './importMembers';
import { requireMembersFree } from './memberHolds';
import { C, type AudienceImportDoc, type MemberDoc, type MembershipDoc } from './model';
import { addMemberships, removeMemberships } from './upsertMembers';
import { membershipFilters, readsWholeAudience } from './visibleMemberships';

/**
 * Who is in an audience: counts, pages, additions, removals and imports of members. Reads show
 * published memberships only (see visibleMemberships.ts).
 */
export class AudienceMembers {
  constructor(
    private readonly db: Db,
    private readonly importLimits: UploadLimits,
    private readonly lease: LeaseTiming = DEFAULT_LEASE_TIMING,
    /** MEMBER_PHONE_COUNTRY: imported phones without a + prefix are read in it. */
    private readonly phoneCountry?: string,
  ) {}

  /** Members of each audience (archived members included), in the order of `audienceIds`. */
  async counts(audienceIds: readonly string[]): Promise<number[]> {
    const memberships = this.db.collection<MembershipDoc>(C.memberships);
    const filters = await membershipFilters(this.db, audienceIds);
    // audiences no import holds are counted together; a held one (rare) on its own
    const whole = audienceIds.filter((_, index) => readsWholeAudience(filters[index]!));
    const counts = await memberships
      .aggregate<{ _id: string; n: number }>([
        { $match: { audienceId: { $in: whole } } },
        { $group: { _id: '$audienceId', n: { $sum: 1 } } },
      ])
      .toArray();
    const byId = new Map(counts.map((row) => [row._id, row.n]));
    return Promise.all(
      audienceIds.map(async (id, index) => {
        const filter = filters[index]!;
        return readsWholeAudience(filter) ? (byId.get(id) ?? 0) : memberships.countDocuments(filter);
      }),
    );
  }

  /** A page of the audience's member ids, in the order they joined it. */
  async memberIds(audienceId: string, page: PageArgs): Promise<Page<string>> {
    const [filter] = await membershipFilters(this.db, [audienceId]);
    return paginate(this.db.collection<MembershipDoc>(C.memberships), filter!, page, {
      toNode: (membership) => membership.memberId,
    });
  }

  /**
   * Adds the existing ones of `memberIds` to an active audience; answers how many were not in
   * it yet. CONFLICT while an import holds the audience (what it adds would be undone by it),
   * or wrote one of the members and has not finished (its failure would delete or restore it).
   */
  async add(audienceId: string, memberIds: string[]): Promise<number> {
    await requireActive(this.db, entities.audience, audienceId, 'audienceId');
    await requireNotHeld(this.db, audienceId, this.lease);
    const found = await this.db
      .collection<MemberDoc>(C.members)
      .find({ _id: { $in: memberIds } }, { projection: { _id: 1, email: 1, importId: 1 } })
      .toArray();
    await requireMembersFree(this.db, found);
    return addMemberships(
      this.db,
      audienceId,
      found.map((member) => member._id),
      new Date(),
    );
  }

  /** Answers how many of `memberIds` were in the audience. */
  remove(audienceId: string, memberIds: string[]): Promise<number> {
    return removeMemberships(this.db, audienceId, memberIds);
  }

  import(input: ImportMembersInput): Promise<AudienceImportDoc> {
    return importAudienceMembers(this.db, this.importLimits, input, {
      lease: this.lease,
      phoneCountry: this.phoneCountry,
    });
  }

  /** Finishes the imports whose process died (FAILED with the reason, nothing published); answers how many. */
  recoverStaleImports(): Promise<number> {
    return recoverStaleImports(this.db, this.lease);
  }
}
