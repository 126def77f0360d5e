import { Field, ID, InputType } from 'type-graphql';
import { Role } from '../../auth/roles';

@InputType()
export class CreateApiKeyInput {
  @Field(() => Role)
  role!: Role;

  @Field({ description: 'Who or what uses the key, 1 to 200 characters' })
  name!: string;

  @Field(() => ID, { nullable: true, description: 'Required for role AGENT: the agent the key acts as' })
  agentId?: string;
}
