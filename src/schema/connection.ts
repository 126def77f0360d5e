import { ArgsType, ClassType, Field, Int, ObjectType } from 'type-graphql';

@ObjectType({ description: 'Where a page of a connection stands' })
export class PageInfo {
  @Field()
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true })
  endCursor!: string | null;
}

/**
 * A Relay connection of `nodeType`. Use as
 * `@ObjectType() class JobConnection extends Connection(Job, 'Job') {}`.
 */
export function Connection<T extends object>(nodeType: ClassType<T>, name: string) {
  @ObjectType(`${name}Edge`)
  class Edge {
    @Field()
    cursor!: string;

    @Field(() => nodeType)
    node!: T;
  }

  @ObjectType()
  abstract class ConnectionType {
    @Field(() => [Edge])
    edges!: Edge[];

    @Field(() => PageInfo)
    pageInfo!: PageInfo;

    @Field(() => Int)
    totalCount!: number;
  }
  return ConnectionType;
}

/** `first` (default 20, at most 100) and `after` (the endCursor of the previous page) of every paged list: extend it with the list's own arguments. */
@ArgsType()
export class PageArgs {
  @Field(() => Int, { nullable: true })
  first?: number | null;

  @Field(() => String, { nullable: true })
  after?: string | null;
}
