import GraphQLUpload from 'graphql-upload/GraphQLUpload.mjs';
import type { FileUpload } from 'graphql-upload/processRequest.mjs';
import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Resolver, Root } from 'type-graphql';
import { Role } from '../../auth/roles';
import type { GraphQLContext } from '../../context';
import { C, type MemberDoc } from '../../services/campaigns/model';
import type { CampaignServices } from '../../services/campaigns/services';
import { AudienceImport } from '../../schema/campaigns/audienceImport.type';
import { Audience, Member, MemberConnection } from '../../schema/campaigns/catalog.type';
import { ImportMode } from '../../schema/campaigns/enums';
import { PageArgs } from '../../schema/connection';
import { receiveUpload } from '../uploadedFile';

/** Who is in an audience: counts and pages through DataLoaders, additions, removals and imports. */
@Resolver(() => Audience)
export class AudienceMembersResolver {
  constructor(private readonly campaigns: CampaignServices) {}

  @FieldResolver(() => Int, { description: 'Members in the audience (archived members included)' })
  memberCount(@Root() audience: Audience, @Ctx() { loaders }: GraphQLContext): Promise<number> {
    return loaders
      .custom<string, number>('audience:memberCount', (ids) => this.campaigns.audienceMembers.counts(ids))
      .load(audience.id);
  }

  @FieldResolver(() => MemberConnection, { description: 'Members of the audience, in the order they joined it' })
  async members(
    @Root() audience: Audience,
    @Args() { first, after }: PageArgs,
    @Ctx() { loaders }: GraphQLContext,
  ): Promise<MemberConnection> {
    const page = await this.campaigns.audienceMembers.memberIds(audience.id, { first, after });
    const docs = await loaders.byId<MemberDoc>(C.members).loadMany(page.edges.map((edge) => edge.node));
    const edges = page.edges.flatMap((edge, index) => {
      const doc = docs[index];
      return doc && !(doc instanceof Error) ? [{ cursor: edge.cursor, node: Member.fromDocument(doc) }] : [];
    });
    return { ...page, edges };
  }

  @Authorized(Role.OPERATOR)
  @Mutation(() => Int, { description: 'Adds existing members to an audience; answers how many were not in it yet' })
  addAudienceMembers(
    @Arg('audienceId', () => ID) audienceId: string,
    @Arg('memberIds', () => [ID]) memberIds: string[],
  ): Promise<number> {
    return this.campaigns.audienceMembers.add(audienceId, memberIds);
  }

  @Authorized(Role.OPERATOR)
  @Mutation(() => Int, { description: 'Removes members from an audience; answers how many were in it' })
  removeAudienceMembers(
    @Arg('audienceId', () => ID) audienceId: string,
    @Arg('memberIds', () => [ID]) memberIds: string[],
  ): Promise<number> {
    return this.campaigns.audienceMembers.remove(audienceId, memberIds);
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
    @Arg('overwrite', { defaultValue: false, description: 'Replace name, contact and attributes of existing members' })
    overwrite: boolean,
  ): Promise<AudienceImport> {
    const upload = await receiveUpload(file);
    const input = { audienceId, file: upload.stream, filename: upload.filename, mode, overwrite };
    return AudienceImport.fromDocument(await this.campaigns.audienceMembers.import(input));
  }
}
