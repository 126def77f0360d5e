import { ArgsType, Field, Int } from 'type-graphql';

@ArgsType()
export class PageArgs {
  @Field(() => Int, { nullable: true })
  first?: number;

  @Field(() => String, { nullable: true })
  after?: string;
}

@ArgsType()
export class ListArgs extends PageArgs {
  @Field({ nullable: true, defaultValue: false, description: 'Also list archived ones' })
  includeArchived?: boolean;
}

/** The filter of a list that hides archived documents unless asked. */
export const archivedFilter = (includeArchived?: boolean) => (includeArchived ? {} : { archivedAt: null });
