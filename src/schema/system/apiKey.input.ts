import { DateTime } from '../dateTime';
import { Field, ID, InputType, Int } from 'type-graphql';
import { Role } from '../../auth/roles';

@InputType()
export class CreateApiKeyInput {
  @Field(() => Role)
  role!: Role;

  @Field({ description: 'Who or what uses the key, 1 to 200 characters' })
  name!: string;

  @Field(() => ID, { nullable: true, description: 'Required for role AGENT: the agent the key acts as' })
  agentId?: string;

  @Field(() => DateTime, {
    nullable: true,
    description: 'When the key stops working (refused as a revoked key is, its sockets closed); none by default',
  })
  expiresAt?: Date;

  @Field(() => Int, {
    nullable: true,
    description: "GraphQL operations a minute this key may send, in place of its role's limit (RATE_LIMIT_<ROLE>_*)",
  })
  requestsPerMinute?: number;

  @Field(() => Int, {
    nullable: true,
    description: "Estimated cost of its operations a minute, in place of its role's limit",
  })
  costPerMinute?: number;
}
