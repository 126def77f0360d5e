import { Arg, Args, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { Role } from '../../auth/roles';
import type { GraphQLContext } from '../../context';
import { notFound } from '../../errors';
import { archiveEntity, createEntity, entities, updateEntity } from '../../services/campaigns/catalog';
import type { AudienceDoc } from '../../services/campaigns/model';
import { paginate } from '../../services/pagination';
import { AudienceInput, AudienceUpdateInput } from '../../schema/campaigns/catalog.input';
import { Audience, AudienceConnection } from '../../schema/campaigns/catalog.type';
import { ListArgs, archivedFilter } from './args';

@Resolver(() => Audience)
export class AudienceResolver {
  @Authorized(Role.VIEWER)
  @Query(() => AudienceConnection, { description: 'Audiences, by name' })
  audiences(@Args() { first, after, includeArchived }: ListArgs, @Ctx() { app }: GraphQLContext): Promise<AudienceConnection> {
    return paginate(app.db.collection<AudienceDoc>(entities.audience.collection), archivedFilter(includeArchived), { first, after }, {
      sortField: 'name',
      toNode: Audience.fromDocument,
    });
  }

  @Authorized(Role.VIEWER)
  @Query(() => Audience)
  async audience(@Arg('id', () => ID) id: string, @Ctx() { loaders }: GraphQLContext): Promise<Audience> {
    const doc = await loaders.byId<AudienceDoc>(entities.audience.collection).load(id);
    if (!doc) throw notFound('Audience', id);
    return Audience.fromDocument(doc);
  }

  @Authorized(Role.OPERATOR)
  @Mutation(() => Audience)
  async createAudience(@Arg('input') input: AudienceInput, @Ctx() { app }: GraphQLContext): Promise<Audience> {
    return Audience.fromDocument(await createEntity(app.db, entities.audience, { ...input }));
  }

  @Authorized(Role.OPERATOR)
  @Mutation(() => Audience)
  async updateAudience(@Arg('id', () => ID) id: string, @Arg('input') input: AudienceUpdateInput, @Ctx() { app }: GraphQLContext): Promise<Audience> {
    return Audience.fromDocument(await updateEntity(app.db, entities.audience, id, { ...input }));
  }

  @Authorized(Role.OPERATOR)
  @Mutation(() => Audience, { description: 'Hides the audience from lists; archived=false restores it' })
  async archiveAudience(
    @Arg('id', () => ID) id: string,
    @Arg('archived', { defaultValue: true }) archived: boolean,
    @Ctx() { app }: GraphQLContext,
  ): Promise<Audience> {
    return Audience.fromDocument(await archiveEntity(app.db, entities.audience, id, archived));
  }
}
