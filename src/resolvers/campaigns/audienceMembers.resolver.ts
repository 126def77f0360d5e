import GraphQLUpload from 'graphql-upload/GraphQLUpload.mjs';
import type { FileUpload } from 'graphql-upload/processRequest.mjs';
import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Resolver, Root } from 'type-graphql';
import { Role } from '../../auth/roles';
import type { GraphQLContext } from '../../context';
import { entities, requireActive } from '../../services/campaigns/catalog';
import { importAudienceMembers } from '../../services/campaigns/importMembers';
import { C, type MemberDoc, type MembershipDoc } from '../../services/campaigns/model';
import { addMemberships, removeMemberships } from '../../services/campaigns/upsertMembers';
import { paginate } from '../../services/pagination';
import { AudienceImport } from '../../schema/campaigns/audienceImport.type';
import { Audience, Member, MemberConnection } from '../../schema/campaigns/catalog.type';
import { ImportMode } from '../../schema/campaigns/enums';
import { PageArgs } from './args';

/** Who is in an audience: counts and pages through DataLoaders, additions, removals and imports. */
@Resolver(() => Audience)
export class AudienceMembersResolver {
  @FieldResolver(() => Int, { description: 'Members in the audience (archived members included)' })
  memberCount(@Root() audience: Audience, @Ctx() { app, loaders }: GraphQLContext): Promise<number> {
    return loaders
      .custom<string, number>('audience:memberCount', async (ids) => {
        const counts = await app.db
          .collection<MembershipDoc>(C.memberships)
          .aggregate<{ _id: string; n: number }>([{ $match: { audienceId: { $in: [...ids] } } }, { $group: { _id: '$audienceId', n: { $sum: 1 } } }])
          .toArray();
        const byId = new Map(counts.map((row) => [row._id, row.n]));
        return ids.map((id) => byId.get(id) ?? 0);
      })
      .load(audience.id);
  }

  @FieldResolver(() => MemberConnection, { description: 'Members of the audience, in the order they joined it' })
  async members(@Root() audience: Audience, @Args() { first, after }: PageArgs, @Ctx() { app, loaders }: GraphQLContext): Promise<MemberConnection> {
    const page = await paginate(app.db.collection<MembershipDoc>(C.memberships), { audienceId: audience.id }, { first, after }, {
      toNode: (membership) => membership.memberId,
    });
    const docs = await loaders.byId<MemberDoc>(C.members).loadMany(page.edges.map((edge) => edge.node));
    const edges = page.edges.flatMap((edge, index) => {
      const doc = docs[index];
      return doc && !(doc instanceof Error) ? [{ cursor: edge.cursor, node: Member.fromDocument(doc) }] : [];
    });
    return { ...page, edges };
  }

  @Authorized(Role.OPERATOR)
  @Mutation(() => Int, { description: 'Adds existing members to an audience; answers how many were not in it yet' })
  async addAudienceMembers(
    @Arg('audienceId', () => ID) audienceId: string,
    @Arg('memberIds', () => [ID]) memberIds: string[],
    @Ctx() { app }: GraphQLContext,
  ): Promise<number> {
    await requireActive(app.db, entities.audience, audienceId, 'audienceId');
    const found = await app.db.collection<MemberDoc>(C.members).find({ _id: { $in: memberIds } }, { projection: { _id: 1 } }).toArray();
    return addMemberships(app.db, audienceId, found.map((member) => member._id), new Date());
  }

  @Authorized(Role.OPERATOR)
  @Mutation(() => Int, { description: 'Removes members from an audience; answers how many were in it' })
  removeAudienceMembers(
    @Arg('audienceId', () => ID) audienceId: string,
    @Arg('memberIds', () => [ID]) memberIds: string[],
    @Ctx() { app }: GraphQLContext,
  ): Promise<number> {
    return removeMemberships(app.db, audienceId, memberIds);
  }

  @Authorized(Role.OPERATOR)
  @Mutation(() => AudienceImport, {
    description:
      'Streams a .csv or .xlsx (header row with an email column; name, contact or phone; other columns become attributes) into the audience. Bad rows are listed in rejects; the rest goes in.',
  })
  async importAudienceMembers(
    @Arg('audienceId', () => ID) audienceId: string,
    @Arg('file', () => GraphQLUpload) file: Promise<FileUpload>,
    @Arg('mode', () => ImportMode, { defaultValue: ImportMode.ADD }) mode: ImportMode,
    @Arg('overwrite', { defaultValue: false, description: 'Replace name, contact and attributes of existing members' }) overwrite: boolean,
    @Ctx() { app }: GraphQLContext,
  ): Promise<AudienceImport> {
    const upload = await file;
    const limits = { maxBytes: app.config.AUDIENCE_IMPORT_MAX_BYTES, maxRows: app.config.AUDIENCE_IMPORT_MAX_ROWS };
    const record = await importAudienceMembers(app.db, limits, { audienceId, file: upload.createReadStream(), filename: upload.filename, mode, overwrite });
    return AudienceImport.fromDocument(record);
  }
}
