import { DateTime } from '../dateTime';
import { Field, InputType } from 'type-graphql';

@InputType({ description: 'Which audit entries to list; every field narrows the list' })
export class AuditLogFilter {
  @Field(() => String, {
    nullable: true,
    description: "An API key's id, or its name (the keys that replaced a key by rotation keep its name)",
  })
  key?: string;

  @Field(() => String, { nullable: true, description: 'A mutation (launchWave), or cli:<command>' })
  operation?: string;

  @Field(() => DateTime, { nullable: true, description: 'At or after' })
  from?: Date;

  @Field(() => DateTime, { nullable: true, description: 'Before' })
  to?: Date;
}
