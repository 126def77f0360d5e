import { DateTime } from '../dateTime';
import { Field, InputType } from 'type-graphql';
import { JobStatusValue } from './job.type';

@InputType({ description: 'Which jobs to list; every field narrows the list' })
export class JobFilter {
  @Field(() => String, { nullable: true })
  type?: string;

  @Field(() => JobStatusValue, { nullable: true })
  status?: JobStatusValue;

  @Field(() => DateTime, { nullable: true, description: 'Created at or after' })
  from?: Date;

  @Field(() => DateTime, { nullable: true, description: 'Created before' })
  to?: Date;
}
