import { Field, ID, InputType } from 'type-graphql';
import { CodeKind } from './enums';

@InputType({
  description:
    'One code assignment (docs/pipelines/fans/codes.md): the fan by userId or email; a NON_TM code from the ' +
    "campaign's pool (the next free one when code is absent), or a TM or OFFER code as given",
})
export class CodeAssignmentInput {
  @Field(() => ID, { nullable: true }) userId?: string | null;
  @Field(() => String, { nullable: true, description: 'Used when userId is absent' }) email?: string | null;
  @Field(() => String, { nullable: true, description: 'Absent: the next free NON_TM code of the campaign' })
  code?: string | null;
  @Field(() => CodeKind, { nullable: true, description: 'Default NON_TM' }) codeKind?: CodeKind | null;
  @Field(() => [String], { nullable: true }) selectedEvents?: string[] | null;
  @Field(() => Boolean, {
    nullable: true,
    description: "A selection refresh: re-publishes the fan's code (and updates selectedEvents when given)",
  })
  refresh?: boolean | null;
  @Field(() => String, {
    nullable: true,
    description: 'One per assignment: sent again, it assigns nothing twice (default: per request and position)',
  })
  idempotencyKey?: string | null;
}
