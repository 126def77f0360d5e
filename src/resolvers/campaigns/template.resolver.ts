import { Arg, Args, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { Role } from '../../auth/roles';
import type { GraphQLContext } from '../../context';
import { notFound } from '../../errors';
import { archiveEntity, createEntity, entities, updateEntity } from '../../services/campaigns/catalog';
import type { TemplateDoc } from '../../services/campaigns/model';
import { paginate } from '../../services/pagination';
import { TemplateInput, TemplateUpdateInput } from '../../schema/campaigns/catalog.input';
import { Template, TemplateConnection } from '../../schema/campaigns/catalog.type';
import { ListArgs, archivedFilter } from './args';

@Resolver(() => Template)
export class TemplateResolver {
  @Authorized(Role.VIEWER)
  @Query(() => TemplateConnection, { description: 'Message templates, by name' })
  templates(@Args() { first, after, includeArchived }: ListArgs, @Ctx() { app }: GraphQLContext): Promise<TemplateConnection> {
    return paginate(app.db.collection<TemplateDoc>(entities.template.collection), archivedFilter(includeArchived), { first, after }, {
      sortField: 'name',
      toNode: Template.fromDocument,
    });
  }

  @Authorized(Role.VIEWER)
  @Query(() => Template)
  async template(@Arg('id', () => ID) id: string, @Ctx() { loaders }: GraphQLContext): Promise<Template> {
    const doc = await loaders.byId<TemplateDoc>(entities.template.collection).load(id);
    if (!doc) throw notFound('Template', id);
    return Template.fromDocument(doc);
  }

  @Authorized(Role.OPERATOR)
  @Mutation(() => Template)
  async createTemplate(@Arg('input') input: TemplateInput, @Ctx() { app }: GraphQLContext): Promise<Template> {
    return Template.fromDocument(await createEntity(app.db, entities.template, { ...input }));
  }

  @Authorized(Role.OPERATOR)
  @Mutation(() => Template)
  async updateTemplate(@Arg('id', () => ID) id: string, @Arg('input') input: TemplateUpdateInput, @Ctx() { app }: GraphQLContext): Promise<Template> {
    return Template.fromDocument(await updateEntity(app.db, entities.template, id, { ...input }));
  }

  @Authorized(Role.OPERATOR)
  @Mutation(() => Template, { description: 'Hides the template from lists; archived=false restores it' })
  async archiveTemplate(
    @Arg('id', () => ID) id: string,
    @Arg('archived', { defaultValue: true }) archived: boolean,
    @Ctx() { app }: GraphQLContext,
  ): Promise<Template> {
    return Template.fromDocument(await archiveEntity(app.db, entities.template, id, archived));
  }
}
