import { Arg, Args, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { Role } from '../../auth/roles';
import type { GraphQLContext } from '../../context';
import { notFound } from '../../errors';
import { archiveEntity, createEntity, entities, updateEntity } from '../../services/campaigns/catalog';
import type { SenderDoc } from '../../services/campaigns/model';
import { paginate } from '../../services/pagination';
import { SenderInput, SenderUpdateInput } from '../../schema/campaigns/catalog.input';
import { Sender, SenderConnection } from '../../schema/campaigns/catalog.type';
import { ListArgs, archivedFilter } from './args';

@Resolver(() => Sender)
export class SenderResolver {
  @Authorized(Role.VIEWER)
  @Query(() => SenderConnection, { description: 'Colleagues who send campaigns, by name' })
  senders(@Args() { first, after, includeArchived }: ListArgs, @Ctx() { app }: GraphQLContext): Promise<SenderConnection> {
    return paginate(app.db.collection<SenderDoc>(entities.sender.collection), archivedFilter(includeArchived), { first, after }, {
      sortField: 'name',
      toNode: Sender.fromDocument,
    });
  }

  @Authorized(Role.VIEWER)
  @Query(() => Sender)
  async sender(@Arg('id', () => ID) id: string, @Ctx() { loaders }: GraphQLContext): Promise<Sender> {
    const doc = await loaders.byId<SenderDoc>(entities.sender.collection).load(id);
    if (!doc) throw notFound('Sender', id);
    return Sender.fromDocument(doc);
  }

  @Authorized(Role.OPERATOR)
  @Mutation(() => Sender)
  async createSender(@Arg('input') input: SenderInput, @Ctx() { app }: GraphQLContext): Promise<Sender> {
    return Sender.fromDocument(await createEntity(app.db, entities.sender, { ...input }));
  }

  @Authorized(Role.OPERATOR)
  @Mutation(() => Sender)
  async updateSender(@Arg('id', () => ID) id: string, @Arg('input') input: SenderUpdateInput, @Ctx() { app }: GraphQLContext): Promise<Sender> {
    return Sender.fromDocument(await updateEntity(app.db, entities.sender, id, { ...input }));
  }

  @Authorized(Role.OPERATOR)
  @Mutation(() => Sender, { description: 'Hides the sender from lists; archived=false restores it' })
  async archiveSender(
    @Arg('id', () => ID) id: string,
    @Arg('archived', { defaultValue: true }) archived: boolean,
    @Ctx() { app }: GraphQLContext,
  ): Promise<Sender> {
    return Sender.fromDocument(await archiveEntity(app.db, entities.sender, id, archived));
  }
}
