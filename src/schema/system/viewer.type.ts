import { Field, ID, ObjectType } from 'type-graphql';
import { Role } from '../../auth/roles';

@ObjectType({ description: 'The caller, as identified by its API key' })
export class Viewer {
  @Field(() => ID, { description: 'Id of the API key (never the key itself)' })
  keyId!: string;

  @Field()
  name!: string;

  @Field(() => Role)
  role!: Role;

  @Field(() => ID, { nullable: true, description: 'The agent this key acts as (role AGENT)' })
  agentId?: string;

  @Field({ description: 'True when no key was sent and ALLOW_ANONYMOUS_VIEWER lets the caller read' })
  anonymous!: boolean;
}
