import { DateTimeResolver } from 'graphql-scalars';
import { Field, InputType } from 'type-graphql';
import { JobStatusValue } from './job.type';

@InputType({ description: 'Which jobs to list; every field narrows the list' })
export class JobFilter {
  @Field(() => String, { nullable: true })
  type?: string;

  @Field(() => JobStatusValue, { nullable: true })
  status?: JobStatusValue;

  @Field(() => DateTimeResolver, { nullable: true, description: 'Created at or after' })
  from?: Date;

  @Field(() => DateTimeResolver, { nullable: true, description: 'Created before' })
  to?: Date;
}
