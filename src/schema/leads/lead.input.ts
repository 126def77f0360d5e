import { DateTime } from '../dateTime';
import { Field, ID, InputType } from 'type-graphql';
import { LeadStatus } from './enums';

@InputType({ description: 'Narrows the leads list; every field is optional and they combine with AND' })
export class LeadFilter {
  @Field(() => LeadStatus, { nullable: true })
  status?: LeadStatus;

  @Field(() => ID, { nullable: true, description: 'Agent id' })
  assignedTo?: string;

  @Field(() => ID, { nullable: true })
  importId?: string;

  @Field(() => DateTime, { nullable: true, description: 'Uploaded at or after' })
  createdFrom?: Date;

  @Field(() => DateTime, { nullable: true, description: 'Uploaded before' })
  createdTo?: Date;
}
