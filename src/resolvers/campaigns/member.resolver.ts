import { Arg, Args, ArgsType, Authorized, Ctx, Field, ID, Mutation, Query, Resolver } from 'type-graphql';
import { Role } from '../../auth/roles';
import type { GraphQLContext } from '../../context';
import { notFound } from '../../errors';
import { archiveEntity, createEntity, entities, updateEntity } from '../../services/campaigns/catalog';
import { normalizeEmail } from '../../services/campaigns/email';
import type { MemberDoc } from '../../services/campaigns/model';
import { paginate } from '../../services/pagination';
import { MemberInput, MemberUpdateInput } from '../../schema/campaigns/catalog.input';
import { Member, MemberConnection } from '../../schema/campaigns/catalog.type';
import { ListArgs, archivedFilter } from './args';

@ArgsType()
class MembersArgs extends ListArgs {
  @Field({ nullable: true, description: 'Only the member with this e-mail (any case, spaces ignored)' })
  email?: string;
}

@Resolver(() => Member)
export class MemberResolver {
  @Authorized(Role.VIEWER)
  @Query(() => MemberConnection, { description: 'Members, by e-mail' })
  members(@Args() { first, after, includeArchived, email }: MembersArgs, @Ctx() { app }: GraphQLContext): Promise<MemberConnection> {
    const filter = { ...archivedFilter(includeArchived), ...(email ? { email: normalizeEmail(email) } : {}) };
    return paginate(app.db.collection<MemberDoc>(entities.member.collection), filter, { first, after }, {
      sortField: 'email',
      toNode: Member.fromDocument,
    });
  }

  @Authorized(Role.VIEWER)
  @Query(() => Member)
  async member(@Arg('id', () => ID) id: string, @Ctx() { loaders }: GraphQLContext): Promise<Member> {
    const doc = await loaders.byId<MemberDoc>(entities.member.collection).load(id);
    if (!doc) throw notFound('Member', id);
    return Member.fromDocument(doc);
  }

  @Authorized(Role.OPERATOR)
  @Mutation(() => Member, { description: 'CONFLICT when a member already has this e-mail' })
  async createMember(@Arg('input') input: MemberInput, @Ctx() { app }: GraphQLContext): Promise<Member> {
    return Member.fromDocument(await createEntity(app.db, entities.member, { ...input }));
  }

  @Authorized(Role.OPERATOR)
  @Mutation(() => Member)
  async updateMember(@Arg('id', () => ID) id: string, @Arg('input') input: MemberUpdateInput, @Ctx() { app }: GraphQLContext): Promise<Member> {
    return Member.fromDocument(await updateEntity(app.db, entities.member, id, { ...input }));
  }

  @Authorized(Role.OPERATOR)
  @Mutation(() => Member, { description: 'Archived members are left out of campaigns frozen afterwards' })
  async archiveMember(
    @Arg('id', () => ID) id: string,
    @Arg('archived', { defaultValue: true }) archived: boolean,
    @Ctx() { app }: GraphQLContext,
  ): Promise<Member> {
    return Member.fromDocument(await archiveEntity(app.db, entities.member, id, archived));
  }
}
