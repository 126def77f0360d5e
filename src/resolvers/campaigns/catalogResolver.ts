import { Arg, Args, Authorized, ID, Mutation, Query, Resolver, type ClassType } from 'type-graphql';
import { Role } from '../../auth/roles';
import type { CatalogListArgs, CatalogService } from '../../services/campaigns/catalogService';
import type { CampaignServices } from '../../services/campaigns/services';
import type { Page } from '../../services/pagination';
import { ListArgs } from './args';

/** One kind of catalog document as the API shows it. */
export interface CatalogKind<Doc, Node extends object, Narrowing extends object> {
  types: {
    /** The GraphQL type; its name gives the operations' names (Sender: senders, sender, createSender...). */
    node: ClassType<Node> & { fromDocument(doc: Doc): Node };
    connection: ClassType;
    input: ClassType;
    updateInput: ClassType;
  };
  /** The list's arguments, when the kind has its own besides ListArgs'. */
  listArgs?: ClassType<CatalogListArgs & Narrowing>;
  service: (services: CampaignServices) => CatalogService<Doc, Narrowing>;
  descriptions: { list: string; create?: string; archive?: string };
}

/**
 * The resolver of a catalog kind: list and get for viewers; create, update and archive for
 * operators. Every kind is served the same way; what differs is in its CatalogService.
 */
export function catalogResolver<Doc, Node extends object, Narrowing extends object = object>(
  kind: CatalogKind<Doc, Node, Narrowing>,
): new (services: CampaignServices) => object {
  const { node, connection, input, updateInput } = kind.types;
  const listArgs = kind.listArgs ?? ListArgs;
  const { name } = node;
  const single = name[0].toLowerCase() + name.slice(1);
  const archiveDescription = kind.descriptions.archive ?? `Hides the ${single} from lists; archived=false restores it`;
  const toNode = (doc: Doc) => node.fromDocument(doc);

  @Resolver(() => node)
  class CatalogResolver {
    private readonly catalog: CatalogService<Doc, Narrowing>;

    constructor(services: CampaignServices) {
      this.catalog = kind.service(services);
    }

    @Authorized(Role.VIEWER)
    @Query(() => connection, { name: `${single}s`, description: kind.descriptions.list })
    list(@Args(() => listArgs) args: CatalogListArgs & Narrowing): Promise<Page<Node>> {
      return this.catalog.list(args, toNode);
    }

    @Authorized(Role.VIEWER)
    @Query(() => node, { name: single })
    async get(@Arg('id', () => ID) id: string): Promise<Node> {
      return toNode(await this.catalog.get(id));
    }

    @Authorized(Role.OPERATOR)
    @Mutation(() => node, { name: `create${name}`, description: kind.descriptions.create })
    async create(@Arg('input', () => input) fields: object): Promise<Node> {
      return toNode(await this.catalog.create({ ...fields }));
    }

    @Authorized(Role.OPERATOR)
    @Mutation(() => node, { name: `update${name}` })
    async update(@Arg('id', () => ID) id: string, @Arg('input', () => updateInput) fields: object): Promise<Node> {
      return toNode(await this.catalog.update(id, { ...fields }));
    }

    @Authorized(Role.OPERATOR)
    @Mutation(() => node, { name: `archive${name}`, description: archiveDescription })
    async archive(
      @Arg('id', () => ID) id: string,
      @Arg('archived', () => Boolean, { defaultValue: true }) archived: boolean,
    ): Promise<Node> {
      return toNode(await this.catalog.archive(id, archived));
    }
  }
  // the container's errors and stack traces then say which kind's resolver it was
  Object.defineProperty(CatalogResolver, 'name', { value: `${name}Resolver` });
  return CatalogResolver;
}
